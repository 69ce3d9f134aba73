"""The report's dead channels are those prune-channels removes as dead.

Usage: check_dead_vs_pruned.py REPORT.json REMARKS.json
REPORT.json: `xnorc --report=json --passes=` (the model as written); REMARKS.json:
`--remarks-json` of `xnorc --passes=prune-channels` on the same model. Prints one line per
layer, `LAYER: dead D, pruned as dead P`, and exits 1 if any D != P (the pass's dead count
summed over its remarks for that layer).
"""
import json
import sys

report = json.load(open(sys.argv[1]))
remarks = json.load(open(sys.argv[2]))
pruned = {}
for r in remarks:
    if r["pass"] == "prune-channels" and r["kind"] == "applied":
        a = r["args"]
        pruned[a["layer"]] = pruned.get(a["layer"], 0) + int(a["dead"])
bad = 0
for layer in report["sparsity"]:
    d, p = len(layer["dead_channels"]), pruned.pop(layer["name"], 0)
    print(f"{layer['name']}: dead {d}, pruned as dead {p}")
    bad += d != p
for name, p in pruned.items():
    print(f"{name}: not in the report, pruned as dead {p}")
    bad += 1
sys.exit(1 if bad else 0)
