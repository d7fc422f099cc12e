#!/usr/bin/env python3
"""Checks examples/generate's greedy decoding against make_decoder.py's reference.

  check_generate.py --generate BIN --bundle B.aimodel --reference REF.npz [--threads N]

Runs `BIN B.aimodel --prompt P0,P1,... --tokens N --logits OUT.npy [--threads N]` with
REF.npz's prompt and token count; BIN prints a line `tokens: t0 t1 ...` on stdout and
writes the logits each token was chosen from, float32 [N, vocab], to OUT.npy. Passes when
the tokens are the reference's and every logit is within 1e-4 + 1e-3 |reference| of it
(the tolerance of the repo's float32 checks). Logits are compared up to the first step
whose token differs: after it the two sequences condition on different inputs.
Prints one summary line; exit status 0 when it passes, 1 when it does not, 2 on a
usage error or when BIN fails.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

NAME = 'examples.generate'
ATOL, RTOL = 1e-4, 1e-3
TIMEOUT_S = 600


def fail(message, status=1):
    print(f'{NAME}: FAILED: {message}')
    sys.exit(status)


def run_generate(args, prompt, count, logits_path):
    """BIN's tokens (a list of ints); exits on a failed run or a missing tokens line."""
    cmd = [args.generate, args.bundle, '--prompt', ','.join(str(int(t)) for t in prompt),
           '--tokens', str(count), '--logits', logits_path]
    if args.threads is not None:
        cmd += ['--threads', str(args.threads)]
    try:
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        fail(f'{" ".join(cmd)} ran over {TIMEOUT_S} s', 2)
    if run.returncode != 0:
        sys.stderr.write(run.stdout + run.stderr)
        fail(f'{os.path.basename(args.generate)} exited with status {run.returncode}', 2)
    lines = [line for line in run.stdout.splitlines() if line.startswith('tokens:')]
    if len(lines) != 1:
        sys.stderr.write(run.stdout + run.stderr)
        fail(f'expected one "tokens:" line on stdout, got {len(lines)}', 2)
    try:
        return [int(t) for t in lines[0][len('tokens:'):].split()]
    except ValueError:
        fail(f'unreadable tokens line: {lines[0]!r}', 2)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--generate', required=True, metavar='BIN')
    ap.add_argument('--bundle', required=True, metavar='B.aimodel')
    ap.add_argument('--reference', required=True, metavar='REF.npz')
    ap.add_argument('--threads', type=int)
    args = ap.parse_args()

    ref = np.load(args.reference)
    ref_tokens, ref_logits = ref['tokens'], ref['logits']
    count = len(ref_tokens)
    with tempfile.TemporaryDirectory(prefix='check-generate.') as tmp:
        logits_path = os.path.join(tmp, 'logits.npy')
        tokens = run_generate(args, ref['prompt'], count, logits_path)
        try:
            logits = np.load(logits_path)
        except (OSError, ValueError) as e:
            fail(f'cannot read the logits BIN wrote: {e}', 2)

    if logits.shape != ref_logits.shape or logits.dtype != np.float32:
        fail(f'logits are {logits.dtype} {list(logits.shape)}, expected float32 '
             f'{list(ref_logits.shape)}')
    problems = []
    differ = [i for i, (a, b) in enumerate(zip(tokens, ref_tokens)) if a != b]
    if len(tokens) != count:
        problems.append(f'{len(tokens)} tokens printed, expected {count}')
    if differ:
        i = differ[0]
        problems.append(f'token {i} is {tokens[i]}, the reference\'s is {ref_tokens[i]} '
                        f'(the reference\'s smallest top-2 logit gap is {float(ref["margin"]):.2g})')
    rows = differ[0] + 1 if differ else min(len(tokens), count)  # comparable rows
    summary = 'no logits compared'
    if rows:
        err = np.abs(logits[:rows].astype(np.float64) - ref_logits[:rows])
        err[np.isnan(err)] = np.inf
        bad = ~(err <= ATOL + RTOL * np.abs(ref_logits[:rows]))
        step, index = np.unravel_index(err.argmax(), err.shape)
        summary = f'max logit error {err[step, index]:.2g} (step {step}, logit {index})'
        if bad.any():
            step, index = np.argwhere(bad)[0]
            problems.append(f'{int(bad.sum())} logits out of tolerance, first at step {step} '
                            f'(logit {index}: {float(logits[step, index]):.7g}, reference '
                            f'{float(ref_logits[step, index]):.7g}); {summary}')
    if problems:
        fail('; '.join(problems))
    print(f'{NAME}: {count} tokens match the reference; {summary}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
