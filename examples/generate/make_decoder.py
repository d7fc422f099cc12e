#!/usr/bin/env python3
"""Writes the GPT-style decoder of examples/generate (a static KV cache) and its reference.

The model, opset 17, random weights from a fixed seed (the same bytes on every run):
a GPT-2-style decoder, D=256, 4 heads of 64, 4 pre-norm layers, a 2048-word vocabulary,
and a key/value cache of a fixed 128 positions per layer that the caller passes in and
gets back, so that one graph serves both the prompt (prefill) and the one-token steps:

  inputs   input_ids int64 [1, seq]; position int64 [1] (the sequence index of
           input_ids' first token); past_key.L, past_value.L float32 [1, 4, 128, 64]
  outputs  logits float32 [1, seq, 2048]; present_key.L, present_value.L (the caches
           with this call's keys and values written at position .. position+seq-1)

The cache is written by one-hot arithmetic rather than ScatterND, so the update is
dense math with static shapes and no data-dependent indexing:
  onehot [seq, 128] = (positions[:, None] == arange(128)), keep [128, 1] = 1 - onehot^T 1,
  present = past * keep + onehot^T @ new.
Attention runs over all 128 slots; the slots after each query's position (stale or
empty) are masked by Where(arange(128) <= position, scores, -1e9). The positions come
from Shape(input_ids) through Range, as a PyTorch export computes them.

The reference (--reference, numpy) does not use the cache or the graph: every step runs
a plain causal forward pass, in float64, over the prompt and the tokens generated so
far, and takes the argmax of the last position (greedy decoding). Its weights are the
float32 values written into the model (the same Net, the same seed). --self-check also
runs a numpy float32 mirror of the graph's cache formulation (prefill, then one-token
steps) and checks its tokens and logits against the reference.

Usage:
  make_decoder.py OUT.onnx                                   (standard library only)
  make_decoder.py --reference OUT.npz [--prompt 32] [--tokens 64] [--self-check]
  make_decoder.py --self-check
OUT.npz holds prompt int64 [P], tokens int64 [N], logits float32 [N, 2048] (row i:
the logits token i was chosen from) and margin (the smallest top-1 minus top-2 logit gap
over the N steps, also printed on stderr: how far the greedy choices are from a tie).
"""
import argparse
import array
import importlib.machinery
import importlib.util
import math
import os
import random
import sys
import tempfile


def _load_bench_models():
    """scripts/bench-models (a script without a .py suffix): the ONNX writer and Net."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'scripts',
                        'bench-models')
    loader = importlib.machinery.SourceFileLoader('bench_models', path)
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader('bench_models', loader))
    loader.exec_module(module)
    return module


bm = _load_bench_models()

DIM, HEADS, LAYERS, VOCAB, MAX_LEN = 256, 4, 4, 2048, 128
HEAD_DIM = DIM // HEADS
LN_EPS = 1e-5  # Net.layer_norm's epsilon
MASKED = -1e9  # the score of a cache slot a query does not see
WEIGHT_SEED, PROMPT_SEED = 12, 7
PROMPT_LEN, TOKENS = 32, 64  # the defaults of --prompt and --tokens


def prompt_ids(length):
    """The prompt's token ids: pseudo-random from a fixed seed, the same on every run."""
    rng = random.Random(PROMPT_SEED)
    return [rng.randrange(VOCAB) for _ in range(length)]


# ---- the model ---------------------------------------------------------------------


class DecoderNet(bm.Net):
    """bm.Net that also keeps the float32 values of the constants it creates, so that
    the numpy code computes with exactly the weights written into the model."""

    def __init__(self):
        super().__init__(seed=WEIGHT_SEED, fold_batchnorm=True)
        self.values = []  # (dims, array('f')) of every float constant, in creation order

    def const(self, prefix, dims, values):
        # array('f') rounds to float32 as bm.tensor() does, and is 4 bytes a value.
        self.values.append((dims, array.array('f', values)))
        return super().const(prefix, dims, values)

    def weights_of(self, build, *args):
        """build(*args)'s result and the constants it created: [(dims, values), ...]."""
        start = len(self.values)
        return build(*args), self.values[start:]

    def op_named(self, op, inputs, output, **attrs):
        """A node whose output has a given name (a graph output's)."""
        self.nodes.append(bm.node(op, inputs, [output], output, **attrs))
        return output


def build_decoder():
    """The decoder's ONNX bytes and its weights: {'wte', 'wpe', 'layers', 'ln_f', 'lm_head'},
    each layer {'ln1', 'q', 'k', 'v', 'o', 'ln2', 'fc', 'proj'}: lists of (dims, values)."""
    net = DecoderNet()
    weights = {'layers': []}

    # positions [S] = position + Range(0, S, 1), S = Shape(input_ids)[1] (a scalar: Range
    # takes scalars, so Gather with a scalar index).
    seq = net.op('Gather', [net.op('Shape', ['input_ids']), net.ints([1], dims=[])], axis=0)
    steps = net.op('Range', [net.ints([0], dims=[]), seq, net.ints([1], dims=[])])
    positions = net.op('Add', [steps, 'position'])
    column = net.op('Unsqueeze', [positions, net.ints([1])])  # [S, 1]
    slots = net.ints(list(range(MAX_LEN)), dims=[1, MAX_LEN])  # [1, MAX]

    # Shared by every layer: where this call writes the cache, what it keeps, what each
    # query may attend to (causal: slots up to its own position).
    onehot = net.op('Cast', [net.op('Equal', [column, slots])], to=bm.FLOAT)  # [S, MAX]
    write = net.op('Transpose', [onehot], perm=[1, 0])  # [MAX, S]
    keep = net.op('Sub', [net.scalar(1.0),
                          net.op('ReduceSum', [write, net.ints([1])], keepdims=1)])  # [MAX, 1]
    visible = net.op('LessOrEqual', [slots, column])  # [S, MAX]
    masked = net.scalar(MASKED)
    scale = net.scalar(1.0 / math.sqrt(HEAD_DIM))

    wte, weights['wte'] = net.weights_of(net.const, 'wte', [VOCAB, DIM],
                                         net.uniform(VOCAB * DIM, -0.05, 0.05))
    wpe, weights['wpe'] = net.weights_of(net.const, 'wpe', [MAX_LEN, DIM],
                                         net.uniform(MAX_LEN * DIM, -0.02, 0.02))
    x = net.op('Add', [net.op('Gather', [wte, 'input_ids'], axis=0),  # [1, S, D]
                       net.op('Gather', [wpe, positions], axis=0)])  # [S, D]

    def heads(t):  # [1, S, D] -> [1, H, S, Dh]; -1 so that one graph serves any S
        return net.op('Transpose', [net.op('Reshape', [t, net.ints([1, -1, HEADS, HEAD_DIM])])],
                      perm=[0, 2, 1, 3])

    for layer in range(LAYERS):
        w = {}
        h, w['ln1'] = net.weights_of(net.layer_norm, x, DIM)
        q, w['q'] = net.weights_of(net.dense, h, DIM, DIM)
        k, w['k'] = net.weights_of(net.dense, h, DIM, DIM)
        v, w['v'] = net.weights_of(net.dense, h, DIM, DIM)
        q, k, v = heads(q), heads(k), heads(v)
        # present = past * keep + onehot^T @ new: [1, H, MAX, Dh]
        present = {}
        for kind, new in (('key', k), ('value', v)):
            present[kind] = net.op_named('Add', [net.op('Mul', [f'past_{kind}.{layer}', keep]),
                                                 net.op('MatMul', [write, new])],
                                         f'present_{kind}.{layer}')
        keys_t = net.op('Transpose', [present['key']], perm=[0, 1, 3, 2])  # [1, H, Dh, MAX]
        scores = net.op('Mul', [net.op('MatMul', [q, keys_t]), scale])  # [1, H, S, MAX]
        probs = net.op('Softmax', [net.op('Where', [visible, scores, masked])], axis=-1)
        context = net.op('Transpose', [net.op('MatMul', [probs, present['value']])],
                         perm=[0, 2, 1, 3])  # [1, S, H, Dh]
        context = net.op('Reshape', [context, net.ints([1, -1, DIM])])
        attended, w['o'] = net.weights_of(net.dense, context, DIM, DIM)
        x = net.op('Add', [x, attended])

        h, w['ln2'] = net.weights_of(net.layer_norm, x, DIM)
        h, w['fc'] = net.weights_of(net.dense, h, DIM, 4 * DIM)
        h, w['proj'] = net.weights_of(net.dense, net.gelu_tanh(h), 4 * DIM, DIM)
        x = net.op('Add', [x, h])
        weights['layers'].append(w)

    h, weights['ln_f'] = net.weights_of(net.layer_norm, x, DIM)
    # Variance 1/D on a layer-normed input: logits of standard deviation about 1, so that
    # the top two of 2048 are rarely within float32 rounding of each other (the reference
    # prints the smallest gap of its steps).
    a = math.sqrt(3.0 / DIM)
    head, weights['lm_head'] = net.weights_of(net.const, 'lm_head', [DIM, VOCAB],
                                              net.uniform(DIM * VOCAB, -a, a))
    net.op_named('MatMul', [h, head], 'logits')

    cache = [1, HEADS, MAX_LEN, HEAD_DIM]
    inputs = [('input_ids', [1, 'seq'], bm.INT64), ('position', [1], bm.INT64)]
    outputs = [('logits', [1, 'seq', VOCAB])]
    for layer in range(LAYERS):
        for kind in ('key', 'value'):
            inputs.append((f'past_{kind}.{layer}', cache))
            outputs.append((f'present_{kind}.{layer}', cache))
    onnx = bm.model('decoder', net.nodes, net.inits, inputs, outputs, opset=17)
    return onnx, weights


def write_atomically(path, write):
    """write(file) into a temporary file beside path, then renamed to path (a reader
    never sees a partial file, an interrupted run leaves none)."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix='.' + os.path.basename(path) + '.')
    try:
        with os.fdopen(fd, 'wb') as f:
            write(f)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp's file is 0600; give open()'s mode
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def write_model(path):
    onnx, _ = build_decoder()
    write_atomically(path, lambda f: f.write(onnx))


# ---- numpy: the reference and the cache formulation's mirror ------------------------
# numpy is imported by these functions only, so that writing the model (and importing
# this file, as scripts/bench-generate does) needs nothing but the standard library.


def as_arrays(weights, dtype):
    """The weights as numpy arrays of dtype, in build_decoder()'s structure."""
    import numpy as np

    def arr(entry):
        dims, values = entry
        return np.frombuffer(values, dtype=np.float32).reshape(dims).astype(dtype)

    def group(entries):
        return [arr(e) for e in entries]
    return {
        'wte': arr(weights['wte'][0]), 'wpe': arr(weights['wpe'][0]),
        'layers': [{name: group(entries) for name, entries in layer.items()}
                   for layer in weights['layers']],
        'ln_f': group(weights['ln_f']), 'lm_head': arr(weights['lm_head'][0]),
    }


def layer_norm(x, gamma, beta):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / (var + LN_EPS) ** 0.5 * gamma + beta


def gelu_tanh(x):
    import numpy as np
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


def softmax(x):
    import numpy as np
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def split_heads(t):  # [T, D] -> [H, T, Dh]
    return t.reshape(len(t), HEADS, HEAD_DIM).transpose(1, 0, 2)


def mlp(x, w):
    h = gelu_tanh(layer_norm(x, *w['ln2']) @ w['fc'][0] + w['fc'][1])
    return h @ w['proj'][0] + w['proj'][1]


def full_forward(W, ids):
    """The last position's logits: a plain causal forward pass over all of ids, no cache."""
    import numpy as np
    n = len(ids)
    x = W['wte'][ids] + W['wpe'][:n]
    causal = np.tril(np.ones((n, n), dtype=bool))
    for w in W['layers']:
        h = layer_norm(x, *w['ln1'])
        q, k, v = (split_heads(h @ w[p][0] + w[p][1]) for p in 'qkv')
        scores = np.where(causal, q @ k.transpose(0, 2, 1) / math.sqrt(HEAD_DIM), -np.inf)
        context = (softmax(scores) @ v).transpose(1, 0, 2).reshape(n, DIM)
        x = x + context @ w['o'][0] + w['o'][1]
        x = x + mlp(x, w)
    return layer_norm(x[-1], *W['ln_f']) @ W['lm_head']


def reference(weights, prompt, tokens):
    """Greedy decoding by full recomputation, float64: (tokens [N], logits float32 [N, V],
    margin: the smallest top-1 minus top-2 gap of the N steps)."""
    import numpy as np
    W = as_arrays(weights, np.float64)
    ids, chosen, rows, margin = list(prompt), [], [], math.inf
    for _ in range(tokens):
        logits = full_forward(W, np.array(ids))
        top2 = np.sort(logits)[-2:]
        margin = min(margin, float(top2[1] - top2[0]))
        chosen.append(int(np.argmax(logits)))
        rows.append(logits)
        ids.append(chosen[-1])
    return np.array(chosen, dtype=np.int64), np.array(rows, dtype=np.float32), margin


def cached_step(W, ids, position, cache):
    """One call of the graph, mirrored in numpy (float32, batch dim dropped): logits [S, V]
    of ids at positions position.., with cache [(key, value) [H, MAX, Dh] per layer]
    updated in place the way the graph computes present from past."""
    import numpy as np
    positions = position + np.arange(len(ids))
    onehot = (positions[:, None] == np.arange(MAX_LEN)[None, :]).astype(np.float32)
    write = onehot.T  # [MAX, S]
    keep = 1 - write.sum(1, keepdims=True)  # [MAX, 1]
    visible = np.arange(MAX_LEN)[None, :] <= positions[:, None]  # [S, MAX]
    x = W['wte'][ids] + W['wpe'][positions]
    for layer, w in enumerate(W['layers']):
        h = layer_norm(x, *w['ln1'])
        q, k, v = (split_heads(h @ w[p][0] + w[p][1]) for p in 'qkv')
        past_k, past_v = cache[layer]
        keys, values = past_k * keep + write @ k, past_v * keep + write @ v
        cache[layer] = (keys, values)
        scores = q @ keys.transpose(0, 2, 1) * np.float32(1 / math.sqrt(HEAD_DIM))
        probs = softmax(np.where(visible, scores, np.float32(MASKED)))
        context = (probs @ values).transpose(1, 0, 2).reshape(len(ids), DIM)
        x = x + context @ w['o'][0] + w['o'][1]
        x = x + mlp(x, w)
    return layer_norm(x, *W['ln_f']) @ W['lm_head']


def cached_decode(weights, prompt, tokens):
    """Greedy decoding as an app drives the model: the prompt in one call from empty
    caches, then one call per token, the caches passed along. (tokens, logits [N, V])."""
    import numpy as np
    W = as_arrays(weights, np.float32)
    zeros = np.zeros((HEADS, MAX_LEN, HEAD_DIM), dtype=np.float32)
    cache = [(zeros, zeros)] * LAYERS
    ids, position, chosen, rows = np.array(prompt), 0, [], []
    for _ in range(tokens):
        logits = cached_step(W, ids, position, cache)[-1]
        assert logits.dtype == np.float32, logits.dtype
        rows.append(logits)
        chosen.append(int(np.argmax(logits)))
        position += len(ids)
        ids = np.array(chosen[-1:])
    return np.array(chosen, dtype=np.int64), np.array(rows)


def self_check(weights, prompt, ref_tokens, ref_logits):
    """The cache formulation's tokens and logits against the reference: True when they
    agree within check_generate.py's tolerance (1e-4 + 1e-3 |ref|)."""
    import numpy as np
    tokens, logits = cached_decode(weights, prompt, len(ref_tokens))
    same = np.flatnonzero(tokens != ref_tokens)
    rows = len(tokens) if len(same) == 0 else same[0] + 1  # comparable rows
    err = np.abs(logits[:rows].astype(np.float64) - ref_logits[:rows])
    bad = ~(err <= 1e-4 + 1e-3 * np.abs(ref_logits[:rows]))
    print(f'self-check: static-cache mirror (float32) vs full recompute (float64): '
          f'{"tokens equal" if len(same) == 0 else f"tokens differ from step {same[0]}"}, '
          f'max logit error {err.max():.2e}{", OUT OF TOLERANCE" if bad.any() else ""}',
          file=sys.stderr)
    return len(same) == 0 and not bad.any()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('model', nargs='?', metavar='OUT.onnx', help='write the model here')
    ap.add_argument('--reference', metavar='OUT.npz', help='write the greedy reference here')
    ap.add_argument('--prompt', type=int, default=PROMPT_LEN,
                    help='prompt length (default %(default)s)')
    ap.add_argument('--tokens', type=int, default=TOKENS,
                    help='tokens to generate (default %(default)s)')
    ap.add_argument('--self-check', action='store_true',
                    help='check the static-cache formulation against the reference (numpy)')
    args = ap.parse_args()
    if not (args.model or args.reference or args.self_check):
        ap.error('give OUT.onnx, --reference OUT.npz or --self-check')
    if args.prompt < 1 or args.tokens < 1 or args.prompt + args.tokens - 1 > MAX_LEN:
        # The last generated token is not fed back: positions 0 .. prompt+tokens-2.
        ap.error(f'need --prompt >= 1, --tokens >= 1, --prompt + --tokens - 1 <= {MAX_LEN} '
                 f'(the cache length)')

    onnx, weights = build_decoder()
    if args.model:
        write_atomically(args.model, lambda f: f.write(onnx))
    if not (args.reference or args.self_check):
        return 0

    import numpy as np
    prompt = prompt_ids(args.prompt)
    tokens, logits, margin = reference(weights, prompt, args.tokens)
    print(f'reference: {args.tokens} tokens, smallest top-1 minus top-2 logit gap {margin:.4g}',
          file=sys.stderr)
    if args.reference:
        write_atomically(args.reference, lambda f: np.savez(
            f, prompt=np.array(prompt, dtype=np.int64), tokens=tokens, logits=logits,
            margin=np.float64(margin)))
    if args.self_check and not self_check(weights, prompt, tokens, logits):
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
