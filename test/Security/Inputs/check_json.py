"""Reads xnorc's machine-readable outputs with a strict JSON parser and prints the names.

usage: check_json.py REPORT.json REMARKS.json

Exits 1 if either file is not valid JSON (json.load raises). Prints one line per
report layer and per remark op: the name as Python's ascii() shows it, so escapes
(\\n, \\ufffd, ...) are visible to FileCheck.
"""
import json
import sys


def strict_load(path):
    with open(path, encoding="utf-8") as f:  # invalid UTF-8 raises here too
        return json.load(f, parse_constant=lambda c: sys.exit("%s: %s is not JSON" % (path, c)))


report = strict_load(sys.argv[1])
remarks = strict_load(sys.argv[2])
for layer in report["layers"]:
    print("layer:", ascii(layer["name"])[:100], layer["op"])
print("remarks:", len(remarks))
for r in remarks:
    print("remark op:", ascii(r["op"])[:100])
