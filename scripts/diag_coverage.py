#!/usr/bin/env python3
"""Lists every diagnostic xnorc can print and whether a test checks it.

usage: diag_coverage.py [--root DIR] [--fail-under N] [--list-covered]

A diagnostic is the message of an error-producing call in compiler/, passes/,
targets/ and tools/: makeError(...), error(...) (the IR parser's and the
importer's Ctx.error), fail(...) (the tools' and the emitted --emit-main
program's), `diags() << "...error..."` and the importer's stored
`AttrError = ...`. Its template is the message with every run-time part (a
`{}` of fmt, a concatenated expression, the emitted program's @N@) as a hole.
Calls that only wrap another error ("{}: error: {}", llvm::toString(E)) carry
no message of their own and are not counted.

A diagnostic is checked by a test when one line of a file under test/ holds
every distinctive literal part of its template, in order: a FileCheck
directive (not a CHECK-NOT) of a lit test, or a line of a test program or
script there. Holes match anything, so `{}` in the source and `{{.*}}` in the
test line both stand for run-time text.

Diagnostics no input can reach are in ALLOWED below with the reason; they are
reported apart and not counted as uncovered.

Prints, per source file, covered / total and the uncovered diagnostics with
file:line, then `diagnostics: N of M checked by a test`. With --fail-under N
it exits 1 when fewer than N are covered (a regression guard in the suite).
"""
import argparse
import os
import re
import sys

SOURCE_DIRS = ("compiler", "passes", "targets", "tools")
SOURCE_EXTS = (".cpp", ".h")

# Calls whose first argument is a message. `WithColor::error(stream, "tool")`
# is the tools' coloured prefix, not a message, and `llvm::Error error(` is
# the definition of the parser's helper.
CALL_RE = re.compile(r"(?<![\w:])(?:Ctx\.)?(makeError|error|fail)\(")
DIAGS_RE = re.compile(r"\bdiags\(\)\s*<<")
# Messages stored for an error made later (the importer's attribute type check).
STORED_RE = re.compile(r"\bAttrError\s*=(?!=)")

# Diagnostics no input can reach: (file, distinctive text of the call's
# arguments in the source) -> why. Each entry must still match a diagnostic (a
# stale entry is an error).
ALLOWED = {
    ("targets/common/MainWriter.cpp", "out of memory for"):
        "the --emit-main program's malloc of an input, output, the arena or the timings "
        "returning NULL; the sizes are the model's and the checked .npy's, so only a "
        "process already out of memory gets here",
    ("compiler/Frontend/ExternalData.cpp", "cannot resolve the model's folder"):
        "the model was just read from that folder; only one removed in between fails",
    ("compiler/Frontend/ExternalData.cpp", "cannot read external data file"):
        "existence, type and size are checked just before; only a file that shrinks "
        "in between or an I/O error fails",
    ("compiler/Frontend/ImportContext.cpp", "is not defined"):
        "the importer checks every node input against graph inputs, initializers and "
        "node outputs first, and each importer binds every output it accepts",
    ("compiler/Frontend/OnnxImporter.cpp", "E.what()"):
        "ONNX's parser throws std::out_of_range and std::invalid_argument (both "
        "caught before); this catches any other exception",
    ("compiler/IR/ShapeInference.cpp", "kernel has"):
        "the verifier checks kernel_shape has one entry per spatial dim; conv's kernel "
        "comes from a weight of the input's rank",
    ("compiler/IR/ShapeInference.cpp", "cast to unsupported type"):
        "the verifier allows only f32, i32 and i64 for 'to', all of which parse",
    ("compiler/IR/ShapeInference.cpp", "no shape rule for"):
        "the switch has a rule for every OpKind; this catches an op added without one",
    ("compiler/IR/ShapeInference.cpp", "has a negative dimension"):
        "every rule computes non-negative extents from verified attributes; a backstop",
    ("compiler/IR/Verifier.cpp", "is used before it is defined"):
        "the .xir parser (use of undefined value) and the importer (cycles, undefined "
        "inputs) reject this first; it checks the passes' output",
    ("compiler/IR/Verifier.cpp", "is defined twice"):
        "the .xir parser and the importer reject a second definition first; it checks "
        "the passes' output",
    ("compiler/IR/Verifier.cpp", "graph output %"):
        "the .xir parser and the importer reject an undefined output first; it checks "
        "the passes' output",
    ("compiler/Interpreter/Interpreter.cpp", "inputs, "):
        "xnorc-run, its only caller with inputs, checks their count first",
    ("compiler/Interpreter/Interpreter.cpp", "the graph expects"):
        "xnorc-run checks each input's element type and shape first",
    ("compiler/Interpreter/Interpreter.cpp", "has no value"):
        "ops run in order and the verifier checks every operand is defined before use",
    ("compiler/Interpreter/BinaryOps.cpp", "not a binary op"):
        "its caller dispatches only binary ops to it",
    ("compiler/Lowering/BinaryKernelLowering.cpp", "not a binary op"):
        "its caller dispatches only binary ops to it",
    ("compiler/Interpreter/QuantOps.cpp", "not an 8-bit integer op"):
        "its caller dispatches only isQuantizedOp() ops to it",
    ("compiler/Lowering/QuantKernelLowering.cpp", "not an 8-bit integer op"):
        "its caller dispatches only isQuantizedOp() ops to it",
    ("targets/Target.cpp", "internal error"):
        "a target that declares an option must set it: a programming error",
    ("targets/common/RuntimeHeaders.cpp", "internal error"):
        "the build embeds every runtime header a target names: a build error",
    ("targets/hls/HlsEmitter.cpp", "OutS.C, MaxApWidth"):
        "hlsOpSupport checks the threshold's b1 result first (streamShape: 'value %...: bits "
        "per stream item exceed'), and an elementwise threshold's input rows or pixels are "
        "as wide as its result",
    ("targets/hls/HlsEmitter.cpp", "no streaming layer for"):
        "run() checks hlsOpSupport right before emitOp, and every op kind hlsOpSupport "
        "accepts has a case in emitOp's two switches; this catches a kind added to one only",
}

# Literal parts shorter than this (in letters and digits) are too common to
# identify a diagnostic ("'", ", ", " (") and are not searched for.
MIN_PART_ALNUM = 3


def read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def skip_string(text, i):
    """Returns the index after the C++ string or char literal starting at i."""
    if text.startswith('R"', i):
        open_paren = text.index("(", i)
        delim = text[i + 2:open_paren]
        return text.index(")" + delim + '"', open_paren) + len(delim) + 2
    quote = text[i]
    i += 1
    while i < len(text) and text[i] != quote:
        i += 2 if text[i] == "\\" else 1
    return i + 1


def code_chars(text, start):
    """Yields (index, char, depth) for the characters of C++ text from start,
    skipping string and char literals; depth counts open brackets before it."""
    depth, i = 0, start
    while i < len(text):
        c = text[i]
        # A quote after a digit or letter is a digit separator (1'000), not a literal.
        if c == '"' or (c == "'" and not text[i - 1:i].isalnum()) or text.startswith('R"', i):
            i = skip_string(text, i)
            continue
        if c in ")]}":
            depth -= 1
        yield i, c, depth
        if c in "([{":
            depth += 1
        i += 1


def call_args(text, start):
    """The text between the '(' at start-1 and its matching ')'."""
    for i, c, depth in code_chars(text, start):
        if depth < 0:
            return text[start:i]
    return text[start:]


def split_top(text, seps):
    """Splits text at top-level occurrences of the single-character seps."""
    parts, last = [], 0
    for i, c, depth in code_chars(text, 0):
        if depth == 0 and c in seps:
            parts.append(text[last:i])
            last = i + 1
    parts.append(text[last:])
    return parts


ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "'": "'", "0": "\0"}


def literal_value(term):
    """The value of adjacent string literals, or None if term is not one."""
    pieces = re.findall(r'"((?:[^"\\]|\\.)*)"', term)
    rest = re.sub(r'"((?:[^"\\]|\\.)*)"', "", term).strip()
    if not pieces or rest:
        m = re.match(r"^std::string\((.*)\)$", term.strip(), re.S)
        return literal_value(m.group(1)) if m else None
    return "".join(re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(1)), p)
                   for p in pieces)


def fmt_template(literal):
    """A fmt format string with each replacement field made a hole."""
    out = re.sub(r"\{[^{}]*\}", "\x00", literal.replace("{{", "\x01").replace("}}", "\x02"))
    return out.replace("\x01", "{").replace("\x02", "}")


# A printf conversion (the --emit-main program's fail("%s: ...", path)) is run-time text too.
PRINTF_RE = re.compile(r"%[-+#0-9.]*(?:hh|h|ll|l|z|j|t)?[diouxXeEfgGcsp]")


def printf_template(literal):
    """A printf format string with each conversion made a hole."""
    return PRINTF_RE.sub("\x00", literal)


def template_of(expr, is_format):
    """The message template of a call argument: literal text, with holes
    (\\x00) where run-time text goes; None when it holds no literal."""
    expr = expr.strip()
    m = re.match(r"^fmt::format\(", expr)
    if m:
        return template_of(split_top(call_args(expr, m.end()), ",")[0], True)
    out, any_literal = [], False
    for term in split_top(expr, "+<"):
        term = term.strip().lstrip("<").strip()
        if not term:
            continue
        value = literal_value(term)
        if value is None:
            out.append("\x00")
        else:
            any_literal = True
            out.append(fmt_template(value) if is_format else printf_template(value))
    # MainWriter's program text names the model as @N@ / @U@ (filled in per model).
    return re.sub(r"@[A-Z]@", "\x00", "".join(out)) if any_literal else None


WRAPPER_RE = re.compile(r"(xnorc(-run|-opt)?|error)")


def is_wrapper(template):
    """True for templates that only prefix another message."""
    rest = WRAPPER_RE.sub("", template.replace("\x00", ""))
    return not re.search(r"[A-Za-z0-9]", rest)


def parts_of(template):
    parts = [p.strip() for p in template.split("\x00")]
    return [p for p in parts if len(re.findall(r"[A-Za-z0-9]", p)) >= MIN_PART_ALNUM]


def line_of(text, offset):
    return text.count("\n", 0, offset) + 1


def find_diagnostics(root):
    diags = []
    for top in SOURCE_DIRS:
        for dirpath, _, files in os.walk(os.path.join(root, top)):
            for name in sorted(files):
                if not name.endswith(SOURCE_EXTS):
                    continue
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, root)
                text = read(path)
                for m in CALL_RE.finditer(text):
                    before = text[max(0, m.start() - 40):m.start()]
                    if re.search(r"(Error|int|bool)\s+$", before):
                        continue  # a definition, not a call
                    args = call_args(text, m.end())
                    first = split_top(args, ",")[0]
                    tmpl = template_of(first, m.group(1) == "makeError")
                    if tmpl is None or is_wrapper(tmpl):
                        continue
                    diags.append((rel, line_of(text, m.start()), tmpl, args))
                for regex, needs_error in ((DIAGS_RE, True), (STORED_RE, False)):
                    for m in regex.finditer(text):
                        stmt = text[m.end():text.index(";", m.end())]
                        tmpl = template_of(stmt, False)
                        if tmpl is None or (needs_error and "error" not in tmpl) or \
                                is_wrapper(tmpl):
                            continue
                        diags.append((rel, line_of(text, m.start()), tmpl.rstrip("\n"), stmt))
    return diags


CHECK_RE = re.compile(r"\b[A-Z][A-Z0-9_]*(-NEXT|-SAME|-DAG|-LABEL|-EMPTY)?:")
LIT_EXTS = (".test", ".onnxtext", ".xir")


def test_lines(root, exclude):
    """Lines of test/ that can check a message: FileCheck directives (but not
    CHECK-NOT) in lit tests, RUN lines (grep), any line of test programs."""
    lines = []
    for dirpath, _, files in os.walk(os.path.join(root, "test")):
        for name in files:
            path = os.path.join(dirpath, name)
            if os.path.abspath(path) in exclude:
                continue
            try:
                text = read(path)
            except OSError:
                continue
            if "\0" in text:
                continue
            lit = name.endswith(LIT_EXTS)
            for line in text.splitlines():
                if lit and not (CHECK_RE.search(line) or "RUN:" in line):
                    continue
                if "-NOT:" in line:
                    continue
                lines.append(line)
    return lines


def covered(parts, lines):
    for line in lines:
        pos = 0
        for p in parts:
            pos = line.find(p, pos)
            if pos < 0:
                break
            pos += len(p)
        else:
            return True
    return False


def show(template):
    return template.replace("\x00", "{}").replace("\n", "\\n")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=os.path.dirname(here), help="repository root")
    ap.add_argument("--fail-under", type=int, default=None, metavar="N",
                    help="exit 1 when fewer than N diagnostics are checked by a test")
    ap.add_argument("--list-covered", action="store_true", help="also list covered diagnostics")
    args = ap.parse_args()

    root = os.path.abspath(args.root)
    diags = find_diagnostics(root)
    this_test = os.path.join(root, "test", "Errors", "diagnostic-coverage.test")
    lines = test_lines(root, {this_test})

    by_file, used_allow = {}, set()
    n_covered = n_allowed = 0
    for rel, line, tmpl, source in diags:
        parts = parts_of(tmpl)
        allowed = next((k for k in ALLOWED if k[0] == rel and k[1] in source), None)
        if allowed:
            used_allow.add(allowed)
            state = "allowed"
            n_allowed += 1
        elif parts and covered(parts, lines):
            state = "covered"
            n_covered += 1
        else:
            state = "uncovered"
        by_file.setdefault(rel, []).append((line, tmpl, state, allowed))

    for rel in sorted(by_file):
        entries = by_file[rel]
        n = sum(1 for e in entries if e[2] == "covered")
        counted = sum(1 for e in entries if e[2] != "allowed")
        print(f"{rel}: {n} / {counted}")
        for line, tmpl, state, allowed in entries:
            if state == "uncovered" or (args.list_covered and state == "covered"):
                print(f"  {state}: {rel}:{line}: {show(tmpl)}")
            elif state == "allowed":
                print(f"  unreachable: {rel}:{line}: {show(tmpl)} ({ALLOWED[allowed]})")

    # One message at several call sites: a test shows one of them is reachable,
    # not which; listed so that a reader can judge each site.
    sites = {}
    for rel, line, tmpl, _ in diags:
        sites.setdefault(tmpl, []).append(f"{rel}:{line}")
    shared = {k: v for k, v in sites.items() if len(v) > 1}
    for tmpl, where in sorted(shared.items(), key=lambda kv: kv[1]):
        print(f"shared message: {show(tmpl)} ({', '.join(where)})")

    stale = set(ALLOWED) - used_allow
    for key in sorted(stale):
        print(f"error: allow-list entry {key} matches no diagnostic", file=sys.stderr)
    total = len(diags) - n_allowed
    print(f"unreachable (allow-listed): {n_allowed}")
    print(f"diagnostics: {n_covered} of {total} checked by a test")
    if stale:
        return 1
    if args.fail_under is not None and n_covered < args.fail_under:
        print(f"error: {n_covered} diagnostics are checked by a test, fewer than "
              f"--fail-under {args.fail_under}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
