#!/usr/bin/python3
"""Instructions per unit of work in the inner loops of xnorc's NEON kernels.

Compiles models with ``xnorc --target=neon``, ``--target=neon-armv7`` and (8-bit only)
``--target=neon-dotprod`` (-march=armv8.2-a+dotprod): a binary network
(test/Targets/x86/Inputs/bnn.xir: 3x3 and 5x5 convs with border pixels, max-pool, dense),
the Fashion-MNIST BWN model (examples/fashion_mnist/bwn_model.onnx: float 3x3 stem conv,
BWN 3x3 convs, classifier Gemm), gen_models.py's fstem (a float 5x5 stride-2 stem) and the
8-bit layers of test/Targets/Inputs/qnn.xir (qconv, qgemm);
cross-compiles the generated .cpp to an object (``-O2``, armv7 with -mfpu=neon
-mfloat-abi=hard), disassembles it with the cross objdump and, for each kernel function,
finds its innermost loop that holds the most key instructions: a backward branch and the
instructions from its target to it. Units:

* binary conv / dense: one popcount (``cnt`` / ``vcnt.8``) covers one q-register = 128
  binary MACs (2 output channels x 64 input bits): instructions per 128 MACs;
* float-input conv / Gemm / BWN (neon/fconv.h): one multiply-add (``fmla`` / ``vmla.f32``)
  covers 4 output channels x 1 input = 4 MACs: instructions per fmla (per 4 MACs);
* 8-bit qconv / qgemm (neon/q8.h): per 16 MACs, one q-register of bytes against a broadcast
  group of four: 2 ``sadalp`` (each adds 8 int16 products, ``smull``'s) on aarch64, 2
  ``vpadal.s16`` on armv7, 1 ``sdot`` on dotprod: instructions per 16 MACs;
* ternary conv (neon/tconv.h, test/Targets/Inputs/tnn.xir): one ``cnt`` of (x ^ sign) & mask
  = 128 ternary MACs (zero weights included), counted as the binary tiles are;
* max-pool: per 128 input bits (one q-register of AND + OR); float -> bits threshold: per
  4 floats (one q-register compare + insert).

Prints a Markdown table (docs/Targets.md has a copy) and the loops' opcode histograms.

usage: count_instructions.py --xnorc build/bin/xnorc [--work /tmp/neon-count]
"""

from __future__ import annotations

import argparse
import collections
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BNN = ROOT / "test" / "Targets" / "x86" / "Inputs" / "bnn.xir"
QNN = ROOT / "test" / "Targets" / "Inputs" / "qnn.xir"
TNN = ROOT / "test" / "Targets" / "Inputs" / "tnn.xir"
BWN = ROOT / "examples" / "fashion_mnist" / "bwn_model.onnx"

ARCHES = {
    "aarch64": dict(target="neon", cxx="aarch64-linux-gnu-g++", objdump="aarch64-linux-gnu-objdump",
                    flags=[], pop="cnt", eor="eor", acc="uadalp", andop="and", sri="sri",
                    fma="fmla", q8="sadalp", q8macs=8, q8p=2),
    # The 8-bit kernels with sdot; its other kernels are the "neon" ones.
    "aarch64-dotprod": dict(target="neon-dotprod", cxx="aarch64-linux-gnu-g++",
                            objdump="aarch64-linux-gnu-objdump",
                            flags=["-march=armv8.2-a+dotprod"], q8="sdot", q8macs=16, q8p=4),
    "armv7": dict(target="neon-armv7", cxx="arm-linux-gnueabihf-g++",
                  objdump="arm-linux-gnueabihf-objdump", flags=["-mfpu=neon", "-mfloat-abi=hard"],
                  pop="vcnt.8", eor="veor", acc="vpadal.u8", andop="vand", sri="vsri.32",
                  fma="vmla.f32", q8="vpadal.s16", q8macs=8, q8p=1),
}

# ARMv7's 16 q-registers hold no 12-pixel float tile (neon/fconv.h picks 4 pixels there) and
# a binary tile of 2 pixels (XN_NEON_P in neon/common.h), AArch64's 32 one of 4.
AARCH64_ONLY = ("aarch64",)
ARMV7_ONLY = ("armv7",)

# (model, function-name pattern, kernel description, key opcode field, unit[, arches])
KERNELS = [
    ("bnn", r"xn_oc_bconv_tile<xn_oc_bits<xn_neon_bconv_isa>, 4, 4, false>", "bconv interior tile, 4 pixels x 8 channels", "pop", "MACs",
     AARCH64_ONLY),
    ("bnn", r"xn_oc_bconv_tile<xn_oc_bits<xn_neon_bconv_isa>, 2, 4, false>", "bconv interior tile, 2 pixels x 8 channels", "pop", "MACs",
     ARMV7_ONLY),
    ("bnn", r"xn_oc_bconv_tile<xn_oc_bits<xn_neon_bconv_isa>, 1, 4, false>", "bconv remainder pixel / bdense, 1 x 8 channels", "pop",
     "MACs"),
    ("bnn", r"xn_oc_bconv_tile<xn_oc_bits<xn_neon_bconv_isa>, 4, 1, false>", "bconv channel-tail tile, 4 pixels x 2 channels", "pop",
     "MACs", AARCH64_ONLY),
    ("bnn", r"xn_oc_bconv_border<xn_oc_bits<xn_neon_bconv_isa>, 4>", "bconv border pixel with +-1 padding, 1 x 8 channels", "pop", "MACs"),
    # Ternary weights (neon/tconv.h): the binary walk's tiles with the ternary weight format,
    # one cnt of (x ^ sign) & mask per word, pixel and 2-channel block.
    ("tnn", r"xn_oc_bconv_tile<xn_oc_ternary<xn_neon_tconv_isa>, 4, 4, false>",
     "ternary conv interior tile, 4 pixels x 8 channels", "pop", "MACs", AARCH64_ONLY),
    ("tnn", r"xn_oc_bconv_tile<xn_oc_ternary<xn_neon_tconv_isa>, 2, 2, false>",
     "ternary conv interior tile, 2 pixels x 4 channels", "pop", "MACs", ARMV7_ONLY),
    ("bnn", r"xn_bmaxpool_walk<xn_neon_u64>", "bmaxpool (AND + OR)", "andop", "bits"),
    ("bnn", r"xn_neon_threshold", "threshold float -> bits (compare + insert)", "sri", "floats"),
    ("bwn", r"xn_neon_fconv_tile<3, 2, 1, false, xn_neon_wsrc_f>",
     "float conv interior tile, 12 pixels x 8 channels, stride 1", "fma", "fmla", AARCH64_ONLY),
    ("bwn", r"xn_neon_fconv_tile<1, 2, 1, false, xn_neon_wsrc_f>",
     "float conv interior tile, 4 pixels x 8 channels, stride 1", "fma", "fmla"),
    ("fstem", r"xn_neon_fconv_tile<3, 2, 2, false, xn_neon_wsrc_f>",
     "float conv interior tile, 12 x 8, stride 2 (vld2q)", "fma", "fmla", AARCH64_ONLY),
    ("fstem", r"xn_neon_fconv_tile<1, 2, 2, false, xn_neon_wsrc_f>",
     "float conv interior tile, 4 x 8, stride 2 (vld2q)", "fma", "fmla"),
    ("bwn", r"xn_neon_fconv_tile<3, 2, 1, false, xn_neon_wsrc_b>",
     "BWN conv interior tile, 12 pixels x 8 channels (+-1 from bits)", "fma", "fmla", AARCH64_ONLY),
    ("bwn", r"xn_neon_fconv_tile<1, 2, 1, false, xn_neon_wsrc_b>",
     "BWN conv interior tile, 4 pixels x 8 channels (+-1 from bits)", "fma", "fmla"),
    ("bwn", r"xn_neon_fconv_pixel<2, false, xn_neon_wsrc_f>",
     "float conv border pixel, 1 x 8 channels", "fma", "fmla"),
    ("bwn", r"xn_neon_fconv_pixel<2, true, xn_neon_wsrc_f>",
     "Gemm (classifier, N = 10), 1 row x 8 columns", "fma", "fmla"),
    # {q8p}: the arch's vectors per 8-bit tile row (neon/q8.h).
    ("qnn", r"xn_neon_tile_q8::tile<4, {q8p}, true>", "8-bit qconv tile, 4 channels x 4*{q8p} pixels",
     "q8", "q8"),
    ("qnn", r"xn_neon_tile_q8::tile<4, {q8p}, false>", "8-bit qgemm tile, 4 rows x 4*{q8p} channels",
     "q8", "q8"),
]

xnorc_bin = "xnorc"

INSN = re.compile(r"^\s*([0-9a-f]+):\s+(\S+)\s*(.*)$")
FUNC = re.compile(r"^[0-9a-f]+ <(.*)>:$")
TARGET = re.compile(r"\b([0-9a-f]+) <")


def functions(dis: str):
    funcs, name, body = {}, None, []
    for line in dis.splitlines():
        m = FUNC.match(line)
        if m:
            if name:
                funcs[name] = body
            name, body = m.group(1), []
            continue
        m = INSN.match(line)
        if m and name:
            body.append((int(m.group(1), 16), m.group(2), m.group(3)))
    if name:
        funcs[name] = body
    return funcs


def is_branch(op: str) -> bool:
    op = op.split(".")[0]
    return op.startswith("b") and op not in ("bic", "bif", "bit", "bsl", "bfi", "bfc", "bfxil",
                                              "bics", "bl", "blx", "blr", "br") or op in ("cbz", "cbnz", "tbz", "tbnz")


def innermost_loop(body, key: str, most: bool = True):
    """most: the loop (backward branch) with the most `key` instructions, ties: the shortest;
    else the shortest loop holding a vector `key` instruction (the innermost one)."""
    best = None
    for addr, op, args in body:
        if not is_branch(op):
            continue
        m = TARGET.search(args)
        if not m:
            continue
        tgt = int(m.group(1), 16)
        if tgt >= addr:
            continue
        loop = [(a, o, g) for a, o, g in body if tgt <= a <= addr]
        k = sum(1 for _, o, g in loop if o == key and (most or g.startswith(("v", "q"))))
        if k == 0:
            continue
        cand = (k if most else 0, -len(loop), loop, k)
        if best is None or cand[:2] > best[:2]:
            best = cand
    return (best[3], best[2]) if best else (0, [])


def disassemble(cfg, model: Path, name: str, work: Path, arch: str):
    gen = work / ("%s-%s" % (cfg["target"], name))
    subprocess.run([xnorc_bin, str(model), "-o", str(gen), "--target=" + cfg["target"],
                    "--name=" + name, "--quiet"], check=True)
    obj = work / ("%s-%s.o" % (arch, name))
    # The binary conv tiles are outlined (common/oc_bconv_walk.h) so that they keep their names.
    subprocess.run([cfg["cxx"], "-std=c++17", "-O2", *cfg["flags"],
                    "-DXN_OC_BCONV_OUTLINE=__attribute__((noinline))", "-c",
                    str(gen / (name + ".cpp")), "-o", str(obj)], check=True)
    dis = subprocess.run([cfg["objdump"], "-d", "--no-show-raw-insn", "-C", str(obj)], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    (work / ("%s-%s.dis" % (arch, name))).write_text(dis)
    return functions(dis)


def measure(arch: str, models, work: Path, missing: list):
    cfg = ARCHES[arch]
    for tool in (cfg["cxx"], cfg["objdump"]):
        if shutil.which(tool) is None:
            raise SystemExit("error: %s not found (scripts/setup.sh test installs it)" % tool)
    funcs = {name: disassemble(cfg, path, name, work, arch) for name, path in models.items()
             if name == "qnn" or "fma" in cfg}
    rows = []
    for model, pat, desc, keyname, unit, *only in KERNELS:
        if model not in funcs or (only and arch not in only[0]):
            continue
        pat, desc = pat.format(q8p=cfg.get("q8p")), desc.format(q8p=cfg.get("q8p"))
        # Names without the generated code's namespace (<model>_impl::).
        names = [n for n in funcs[model]
                 if re.search(re.escape(pat) + r"(\(|$| )", re.sub(r"\b\w+_impl::", "", n))]
        if not names:
            missing.append("%s: %s (no function %s)" % (arch, desc, pat))
            continue
        key = cfg[keyname]
        k, loop = innermost_loop(funcs[model][names[0]], key,
                                 unit in ("MACs", "fmla", "q8"))
        if not loop:
            missing.append("%s: %s (no loop with %s in %s)" % (arch, desc, key, pat))
            continue
        hist = collections.Counter(o for _, o, _ in loop)
        n = len(loop)
        if unit == "MACs":
            per = "%.2f per 128 MACs" % (n / k)
            work_ = "%d x 128 MACs" % k
        elif unit == "fmla":
            # one q-register multiply-add = 4 output channels x 1 input = 4 MACs
            per = "%.2f per 4 MACs" % (n / k)
            work_ = "%d x 4 MACs" % k
        elif unit == "q8":
            per = "%.2f per 16 MACs" % (16 * n / (k * cfg["q8macs"]))
            work_ = "%d x %d MACs" % (k, cfg["q8macs"])
        elif unit == "bits":
            # one AND and one OR per q-register of input bits
            per = "%.2f per 128 input bits" % (n / k)
            work_ = "%d x 128 bits" % k
        else:
            per = "%.2f per 4 floats" % (n / k)
            work_ = "%d x 4 floats" % k
        rows.append((arch, desc, n, work_, per, hist))
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--xnorc", required=True)
    ap.add_argument("--work", type=Path, default=Path("/tmp/xnorc-neon-count"))
    ap.add_argument("--arches", default="aarch64,aarch64-dotprod,armv7")
    args = ap.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    global xnorc_bin
    xnorc_bin = args.xnorc
    subprocess.run([sys.executable, str(HERE / "gen_models.py"), str(args.work / "models")],
                   check=True)
    models = {"bnn": BNN, "bwn": BWN, "fstem": args.work / "models" / "fstem.xir", "qnn": QNN,
              "tnn": TNN}
    rows, missing = [], []
    for arch in args.arches.split(","):
        rows += measure(arch, models, args.work, missing)
    print("| arch | kernel inner loop | instructions / iteration | work / iteration | instructions |")
    print("|---|---|---|---|---|")
    for arch, desc, n, work_, per, _ in rows:
        print("| %s | %s | %d | %s | **%s** |" % (arch, desc, n, work_, per))
    print()
    print("LCE aarch64 micro-kernel (design reference): eor + cnt per 128 MACs, then addp pairs")
    print("two cnt results and uadalp accumulates them: 2 eor + 2 cnt + 1 addp + 1 uadalp per")
    print("256 MACs = 3 per 128 MACs plus its loads (4 pixels x 8 channels tile).")
    print()
    for arch, desc, n, work_, per, hist in rows:
        print("%s / %s: %s" % (arch, desc, ", ".join("%s %d" % kv for kv in hist.most_common())))
    # A kernel renamed or inlined must not drop out of the table unnoticed.
    for m in missing:
        print("error: not found: " + m, file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
