"""Prints what a report page (coreai-build --report FILE.html, coreai-run
--profile-html) carries, one line per op, for FileCheck; checks that the
page is self-contained and that its graph is well formed.

usage: report-data.py PAGE.html [REPORT.json]

With REPORT.json (the same compile's JSON report), also checks that each
function has exactly the ops the JSON report lists, in the same order.
"""
import json
import re
import sys


def main():
    page = open(sys.argv[1], encoding="utf-8").read()
    # Self-contained: nothing to fetch.
    for pattern in (r"<link\b", r"\bsrc\s*=", r"@import", r"url\("):
        if re.search(pattern, page):
            sys.exit("the page loads something: " + pattern)
    found = re.search(
        r'<script type="application/json" id="report-data">(.*?)</script>',
        page, re.S)
    if not found:
        sys.exit("no report data in the page")
    data = json.loads(found.group(1))
    print("title:", data["title"], "|", data["context"])
    for fn in data["functions"]:
        ops = fn["ops"]
        arena = fn["arena"]
        print("function %s: %d ops, schedule %d, %s" % (
            fn["name"], len(ops), fn["schedule"],
            "arena %d bytes in %d buffers" % (arena["bytes"],
                                               len(arena["buffers"]))
            if arena else "no schedule"))
        if fn["profile"]:
            p = fn["profile"]
            print("  profile: %d runs, latency %s ms" % (
                p["runs"], "positive" if p["latency_ms"] > 0 else "zero"))
        for i, op in enumerate(ops):
            for j in op["inputs"]:
                if not 0 <= j < i:
                    sys.exit("op %d reads op %d, not an earlier one" % (i, j))
            line = "  op %d %s on %s <- %s" % (
                i, op["op"], op["unit"], op["inputs"])
            line += " | %s" % op["source"]
            if op["location"]:
                line += " | at %s" % op["location"]
            line += " | estimated %s" % (
                "positive" if op["estimated_us"] > 0 else "zero")
            if "measured_us" in op:
                line += ", measured %s%s" % (
                    "positive" if op["measured_us"] > 0 else "zero",
                    " (simulated)" if op["simulated"] else "")
            for reason in op["refused"]:
                line += " | refused " + reason
            print(line)
        if arena:
            for b in arena["buffers"]:
                if b["offset"] + b["bytes"] > arena["bytes"] or (
                        b["first"] > b["last"]):
                    sys.exit("arena buffer %s is out of bounds" % b)
    if len(sys.argv) > 2:
        report = json.load(open(sys.argv[2]))
        for fn in data["functions"]:
            want = [op["source"] for op in report["ops"]
                    if op["function"] == fn["name"]]
            got = [op["source"] for op in fn["ops"]]
            if want != got:
                sys.exit("function %s: the page has %d ops, the JSON report "
                         "%d" % (fn["name"], len(got), len(want)))
            print("function %s matches the JSON report" % fn["name"])


main()
