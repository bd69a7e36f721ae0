#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Replays the XLSForm cases recorded from pyxform's own test suite (../shared/xlsform)
against `survey-cli xlsform`, through that folder's check.py, and holds us to them:

- at least 95% of the cases agree with pyxform on whether the form converts, and at least
  90% of the XPath expectations hold (the issue's floor);
- no case fails an XForm assertion (conversion, XPath, contains) unless it is listed, with
  the reason, in tests/data/xlsform-deviations.tsv; a listed case that passes fails the
  test too, so the list stays true.

Messages are worded our own way (and in the user's language), so the assertions on
pyxform's message text are reported, not required.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

MESSAGE_KINDS = {"error__contains", "error__not_contains", "warnings__contains",
                 "warnings__not_contains", "warnings_count"}
XPATH_KINDS = ("xml__xpath_match", "xml__xpath_exact", "xml__xpath_count")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--cases", required=True)
    ap.add_argument("--deviations", required=True)
    args = ap.parse_args()

    deviations = {}
    with open(args.deviations, encoding="utf-8") as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                case, reason = line.rstrip("\n").split("\t", 1)
                deviations[case] = reason

    with tempfile.TemporaryDirectory() as tmp:
        report_path = os.path.join(tmp, "report.json")
        cmd = [sys.executable, os.path.join(args.cases, "check.py"),
               "--cases", args.cases, "--jobs", "2", "--json", report_path,
               "--cmd", f"'{args.cli}' xlsform {{in}} -o {{out}} --name {{name}} "
                        "--warnings-json {warnings}"]
        env = dict(os.environ, LC_ALL="C.UTF-8", LANGUAGE="en")
        run = subprocess.run(cmd, env=env, capture_output=True, text=True)
        print(run.stdout[-3000:])
        if run.returncode != 0 or not os.path.exists(report_path):
            print(run.stderr[-3000:])
            print("FAIL: check.py did not run")
            return 1
        with open(report_path, encoding="utf-8") as f:
            report = json.load(f)

    summary = report["summary"]
    agree, total = summary["errored_agreement"]
    kinds = summary["normalised"]["per_kind"]
    xpath_pass = sum(kinds.get(k, {}).get("pass", 0) for k in XPATH_KINDS)
    xpath_all = sum(kinds.get(k, {}).get("pass", 0) + kinds.get(k, {}).get("fail", 0)
                    for k in XPATH_KINDS)
    skipped = sum(kinds.get(k, {}).get("skipped", 0) for k in XPATH_KINDS)
    print(f"agree on converting: {agree}/{total} ({100.0 * agree / total:.1f}%)")
    print(f"XPath expectations: {xpath_pass}/{xpath_all} ({100.0 * xpath_pass / xpath_all:.1f}%),"
          f" skipped {skipped}")
    problems = []
    if skipped:
        problems.append(f"{skipped} XPath expectations were skipped (is python3-lxml installed?)")
    if agree < 0.95 * total:
        problems.append("fewer than 95% of the cases agree on whether the form converts")
    if xpath_all == 0 or xpath_pass < 0.90 * xpath_all:
        problems.append("fewer than 90% of the XPath expectations hold")
    for case, result in sorted(report["cases"].items()):
        failed = [a for a in result["normalised"] if a[1] is False and a[0] not in MESSAGE_KINDS]
        if failed and case not in deviations:
            problems.append(f"{case}: {failed[0][0]}: {failed[0][2][:300]}")
        if not failed and case in deviations:
            problems.append(f"{case} is listed as a deviation but now agrees: take it off the list")
    for case, reason in sorted(deviations.items()):
        print(f"deviation: {case}: {reason}")
    for p in problems:
        print("FAIL:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
