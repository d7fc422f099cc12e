"""Renders report pages in headless Chromium: the page must draw with no
console message and no script error, with one graph element per op of the
function (as many as the same compile's JSON report lists), and a PNG
screenshot of each is kept as a test artifact.

usage: report_pages.py --bin DIR --shared DIR --out DIR

Pages: the bundled digits model (compile-time report, CPU and engine
profiles) always; mobilenet_v2 from ../shared (compile-time report and a
CPU profile) when present. Without Chromium (Debian's `chromium`) the test
is skipped (exit 77), unless COREAI_REQUIRE_CHROMIUM=1 (CI) makes that a
failure.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def run(cmd, **kwargs):
    result = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        sys.exit("failed (%d): %s\n%s%s" % (result.returncode, " ".join(cmd),
                                            result.stdout, result.stderr))
    return result


def chromium_args(chromium, profile_dir):
    return [chromium, "--headless", "--no-sandbox", "--disable-gpu",
            "--hide-scrollbars", "--no-first-run",
            "--user-data-dir=" + profile_dir, "--window-size=1400,1100"]


def check_page(chromium, page, want_ops, screenshot, work):
    """Loads `page`; fails unless it rendered `want_ops` op elements with no
    console output or error; writes `screenshot`."""
    url = "file://" + os.path.abspath(page)
    profile_dir = tempfile.mkdtemp(dir=work)
    result = subprocess.run(
        chromium_args(chromium, profile_dir) +
        ["--enable-logging=stderr", "--v=0", "--dump-dom", url],
        capture_output=True, text=True, timeout=180)
    if result.returncode != 0:
        sys.exit("%s: chromium failed (%d): %s" % (page, result.returncode,
                                                   result.stderr[-2000:]))
    console = [line for line in result.stderr.splitlines()
               if ":CONSOLE" in line]
    if console:
        sys.exit("%s: console output:\n%s" % (page, "\n".join(console)))
    body = re.search(r"<body([^>]*)>", result.stdout, re.S)
    if not body:
        sys.exit("%s: no <body> in the rendered page" % page)
    attrs = dict(re.findall(r'data-([a-z]+)="([^"]*)"', body.group(1)))
    if "errors" in attrs:
        sys.exit("%s: script errors: %s" % (page, attrs["errors"]))
    if attrs.get("rendered") != "ok":
        sys.exit("%s: the page did not finish drawing" % page)
    drawn = len(re.findall(r'<g class="op[ "]', result.stdout))
    if drawn != want_ops or attrs.get("ops") != str(want_ops):
        sys.exit("%s: %d op elements drawn (page counted %s), want %d" % (
            page, drawn, attrs.get("ops"), want_ops))
    shot = subprocess.run(
        chromium_args(chromium, profile_dir) +
        ["--screenshot=" + os.path.abspath(screenshot), url],
        capture_output=True, text=True, timeout=180)
    if shot.returncode != 0 or not os.path.exists(screenshot):
        sys.exit("%s: no screenshot: %s" % (page, shot.stderr[-2000:]))
    with open(screenshot, "rb") as f:
        if f.read(8) != b"\x89PNG\r\n\x1a\n":
            sys.exit("%s: the screenshot is not a PNG" % screenshot)
    print("%s: %d ops drawn, no console output; screenshot %s" % (
        page, drawn, screenshot))


def page_ops(page):
    """The op count of the page's first function, from its data."""
    text = open(page, encoding="utf-8").read()
    data = re.search(r'id="report-data">(.*?)</script>', text, re.S)
    return len(json.loads(data.group(1))["functions"][0]["ops"])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--shared", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        if os.environ.get("COREAI_REQUIRE_CHROMIUM") == "1":
            sys.exit("chromium is not installed (scripts/bootstrap.sh "
                     "installs it)")
        print("SKIPPED: chromium is not installed (apt-get install chromium)")
        return 77
    os.makedirs(args.out, exist_ok=True)
    work = tempfile.mkdtemp(dir=args.out)
    build = os.path.join(args.bin, "coreai-build")
    runner = os.path.join(args.bin, "coreai-run")
    env = dict(os.environ, XDG_CACHE_HOME=work)

    models = [("digits", os.path.join(ROOT, "examples", "digits"),
               ["--shape", "image=8x1x8x8"], ["cpu", "ane"])]
    mobilenet = os.path.join(args.shared, "models", "mobilenet_v2")
    if os.path.isdir(mobilenet):
        models.append(("mobilenet_v2", mobilenet, [], ["cpu"]))
    else:
        print("mobilenet_v2 skipped: %s is absent" % mobilenet)
    for name, folder, options, profiles in models:
        model = os.path.join(folder, "model.onnx")
        bundle = os.path.join(work, name + ".aimodel")
        page = os.path.join(args.out, name + ".html")
        report = os.path.join(work, name + ".json")
        run([build, "compile", model, "-o", bundle, "--target", "cpu,gpu,ane",
             "--cpu-arch", "x86-64", "--report", page, "--report", report]
            + options)
        want = [op for op in json.load(open(report))["ops"]
                if op["function"] == "main"]
        if page_ops(page) != len(want):
            sys.exit("%s: the page lists %d ops, the JSON report %d" % (
                page, page_ops(page), len(want)))
        check_page(chromium, page, len(want),
                   os.path.join(args.out, "report-%s.png" % name), work)
        data = os.path.join(folder, "test_data_set_0")
        inputs = sorted(f for f in os.listdir(data) if f.startswith("input_"))
        for unit in profiles:
            profiled = os.path.join(args.out, "%s-profile-%s.html" % (name,
                                                                      unit))
            cmd = [runner, bundle, "--compute", unit, "--profile", "3",
                   "--profile-html", profiled]
            for f in inputs:
                cmd += ["--input", os.path.join(data, f)]
            run(cmd, env=env)
            check_page(chromium, profiled, page_ops(profiled),
                       os.path.join(args.out, "profile-%s-%s.png" % (name,
                                                                     unit)),
                       work)
    shutil.rmtree(work, ignore_errors=True)
    return 0


sys.exit(main())
