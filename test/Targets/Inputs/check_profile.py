#!/usr/bin/env python3
"""Checks the JSON profile of a program built with xnorc --profile=json --emit-main.

usage: check_profile.py PROFILE.json REPORT.json [--threads T] [--ceilings B,F]

The layer list must be the model's, as `xnorc --report=json` (the report, not the
emitter) lists them: the same names, ops and kinds in the same order, each layer's MACs
counted as binary for xnor layers and as float otherwise. The shares of the layers' time
must sum to 1, each time must be non-negative, layers_us must be their sum. With
--ceilings the profile must echo them and its roofline must be the MACs at those ceilings
(computed here from the report's MACs): the whole model's and each layer's share.
Prints "profile ok: N layers" or the first mismatch, and exits non-zero on one.
"""
import argparse
import json
import math
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("profile")
    ap.add_argument("report")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--ceilings")
    args = ap.parse_args()
    with open(args.profile) as f:
        prof = json.load(f)
    with open(args.report) as f:
        rep = json.load(f)

    def fail(msg):
        print("profile mismatch: " + msg)
        sys.exit(1)

    layers, rows = prof["layers"], rep["layers"]
    if [l["name"] for l in layers] != [r["name"] for r in rows]:
        fail("layer names %s, the report's %s" % ([l["name"] for l in layers],
                                                 [r["name"] for r in rows]))
    for l, r in zip(layers, rows):
        want = (r["macs"], 0) if r["kind"] == "xnor" else (0, r["macs"])
        if (l["op"], l["kind"]) != (r["op"], r["kind"]):
            fail("%s: %s/%s, the report's %s/%s" % (l["name"], l["op"], l["kind"], r["op"],
                                                    r["kind"]))
        if (l["binary_macs"], l["float_macs"]) != want:
            fail("%s: MACs %s, the report's %s" % (l["name"], (l["binary_macs"],
                                                               l["float_macs"]), want))
        if l["us"] < 0 or (not l["has_code"] and l["us"] != 0):
            fail("%s: time %s us" % (l["name"], l["us"]))
    if prof["threads"] != args.threads:
        fail("threads %d, expected %d" % (prof["threads"], args.threads))
    total = sum(l["us"] for l in layers)
    if not math.isclose(total, prof["layers_us"], rel_tol=1e-3, abs_tol=1e-2):
        fail("layers_us %s, the layers sum to %s" % (prof["layers_us"], total))
    shares = sum(l["share"] for l in layers)
    if layers and abs(shares - 1) > 1e-3:
        fail("shares sum to %s" % shares)
    if args.ceilings:
        b, f = (float(x) for x in args.ceilings.split(","))
        c = prof["ceilings"]
        if (c["binary_macs_per_s"], c["float_macs_per_s"], c["source"]) != (b, f, "--ceilings"):
            fail("ceilings %s, given %s" % (c, args.ceilings))
        ideal = [1e6 * (l["binary_macs"] / (b * args.threads) + l["float_macs"] /
                        (f * args.threads)) for l in layers]
        if not math.isclose(sum(ideal), prof["roofline_us"], rel_tol=1e-4):
            fail("roofline_us %s, expected %s" % (prof["roofline_us"], sum(ideal)))
        for l, i in zip(layers, ideal):
            want = i / l["us"] if i > 0 and l["us"] > 0 else None
            got = l["roofline_share"]
            # us is printed to 3 decimals: a layer of a few ns carries that rounding.
            tol = 1e-3 + (0.0006 / l["us"] if l["us"] > 0 else 0)
            if (want is None) != (got is None) or (want and not math.isclose(got, want,
                                                                               rel_tol=tol)):
                fail("%s: roofline share %s, expected %s" % (l["name"], got, want))
    print("profile ok: %d layers" % len(layers))


if __name__ == "__main__":
    main()
