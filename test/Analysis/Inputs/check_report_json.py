#!/usr/bin/python3
"""report.test's hand-worked numbers against `xnorc --report=json` (which must parse)."""
import json
import sys

report = json.load(open(sys.argv[1]))
rows = [(r["name"], r["op"], r["kind"], r["macs"], r["weight_bytes"], r["activation_bytes"])
        for r in report["layers"]]
expected_rows = [
    ("c", "threshold", "binary", 0, 0, 288),
    ("c", "bconv", "xnor", 62208, 240, 432),
    ("p", "global_avg_pool", "float", 0, 0, 12),
    ("f", "reshape", "-", 0, 0, 12),
    ("y", "gemm", "float", 6, 32, 8),
]
expected = {"constant_bytes": 272, "source_weight_bytes": 6944, "float_macs": 6,
            "binary_macs": 62208, "binary_layer_bytes": 240, "binary_layer_float32_bytes": 6936}
problems = [f"layers {rows} != {expected_rows}"] if rows != expected_rows else []
problems += [f"{k} = {report.get(k)}, expected {v}" for k, v in expected.items()
             if report.get(k) != v]
print("\n".join(problems) or "report json: as worked out by hand")
sys.exit(1 if problems else 0)
