"""Shared helpers for xnorc's execution-test harnesses.

Both the ONNX node-test runner (test/onnx-node/run_node_tests.py) and the
PyTorch end-to-end runner (test/e2e/pytorch/run_pytorch_e2e.py) drive the
same three artefacts through the same command-line contract:

* ``xnorc-run MODEL IN0.npy ... -o OUTDIR``   -- the reference interpreter,
* ``xnorc MODEL -o DIR --emit-main ...``      -- the compiler, emitting
  ``NAME.h``, ``NAME.cpp`` and ``NAME_main.cpp``,
* ``prog IN0.npy ... -o OUTDIR``              -- the generated program,
  built with a host C++ compiler.

Each writes ``OUTDIR/output0.npy``, ``output1.npy``, ... in float32.  This
module runs those commands with timeouts, reduces any failure to a single
diagnostic line, and compares produced outputs against expected arrays with a
useful mismatch report (max abs/rel error, first mismatching index).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

COMPILE_TIMEOUT = 120  # seconds: xnorc itself and the host C++ compiler
RUN_TIMEOUT = 60  # seconds: xnorc-run and the generated program
# Every run_cmd timeout is multiplied by XNORC_TEST_TIMEOUT_SCALE: scripts/sanitize.sh sets it
# (sanitized compilers and programs run several times slower), as it scales ctest's TIMEOUTs.
TIMEOUT_SCALE = float(os.environ.get("XNORC_TEST_TIMEOUT_SCALE", "1"))
DEFAULT_RTOL = 1e-4
DEFAULT_ATOL = 1e-5
# XNORC_TEST_CXXFLAGS adds flags to every generated program's build: scripts/sanitize.sh
# builds them with the sanitizers of the compiler's own build.
CXX_FLAGS = ["-std=c++17", "-O2"] + os.environ.get("XNORC_TEST_CXXFLAGS", "").split()
STRICT_WARNINGS = ["-Wall", "-Wextra", "-Werror"]

SUPPORTED_OPS_FILE = Path(__file__).resolve().parent.parent / "onnx-node" / "supported_ops.txt"


# --------------------------------------------------------------------------
# Running commands
# --------------------------------------------------------------------------

@dataclass
class CmdResult:
    """Outcome of one external command, reduced for reporting."""

    ok: bool
    returncode: int | None  # None when the command timed out or could not start
    stdout: str
    stderr: str
    error: str  # one-line diagnostic naming the tool; empty when ok
    detail: str = ""  # the tool's own most relevant output line, e.g. "m.onnx: error: ..."

    @property
    def unsupported(self) -> bool:
        """True when the tool cleanly rejected its input as unsupported.

        Such a rejection is a skip only where the runner's expected-skip list names the
        test with a matching reason (``unexpected_skip``); anywhere else it fails.
        """
        return (not self.ok and self.returncode is not None and self.returncode > 0
                and "unsupported" in self.detail.lower())


def _signal_name(returncode: int) -> str:
    try:
        return signal.Signals(-returncode).name
    except ValueError:
        return f"signal {-returncode}"


def _one_line_error(stdout: str, stderr: str) -> str:
    """Pick the most informative single line out of a failing tool's output.

    Preference: a line mentioning 'unsupported', then the first line with
    'error' (``FILE: error: ...`` from xnorc, ``f.cpp:3:1: error: ...`` from a
    C++ compiler), then the last non-empty line of stderr, then of stdout.
    """
    lines = [ln.strip() for ln in (stderr + "\n" + stdout).splitlines() if ln.strip()]
    for pattern in (r"unsupported", r"\berror\b"):
        for line in lines:
            if re.search(pattern, line, re.IGNORECASE):
                return line
    for text in (stderr, stdout):
        tail = [ln.strip() for ln in text.splitlines() if ln.strip()]
        if tail:
            return tail[-1]
    return "(no output)"


def run_cmd(cmd: Sequence[str | os.PathLike], timeout: float, cwd: Path | None = None) -> CmdResult:
    """Run ``cmd`` with a timeout, capturing output and a one-line error.

    The command gets its own process group so that on timeout any children
    it spawned are killed too (and cannot keep the output pipes open).
    """
    argv = [str(c) for c in cmd]
    name = Path(argv[0]).name
    timeout *= TIMEOUT_SCALE
    try:
        proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, errors="replace", start_new_session=True)
    except OSError as exc:
        return CmdResult(False, None, "", "", f"{name}: cannot run: {exc.strerror or exc}")
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        stdout, stderr = proc.communicate()
        return CmdResult(False, None, stdout, stderr, f"{name}: timed out after {timeout:g} s")
    if proc.returncode == 0:
        return CmdResult(True, 0, stdout, stderr, "")
    detail = _one_line_error(stdout, stderr)
    if proc.returncode < 0:
        error = f"{name}: killed by {_signal_name(proc.returncode)}"
        if detail != "(no output)":
            error += f" ({detail})"
    else:
        error = f"{name}: exit {proc.returncode}: {detail}"
    return CmdResult(False, proc.returncode, stdout, stderr, error, detail)


def fresh_dir(path: Path) -> Path:
    """(Re)create an empty directory."""
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def resolve_tool(path: str) -> str:
    """Resolve a tool given as a path or a command name; raise if missing."""
    found = shutil.which(path)
    if found is None:
        raise SystemExit(f"error: tool not found or not executable: {path}")
    return os.path.abspath(found) if os.sep in path else found


def load_supported_ops(path: Path = SUPPORTED_OPS_FILE) -> set[str]:
    """The ONNX ops xnorc claims to support (one per line, '#' comments)."""
    ops = set()
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            ops.add(line)
    return ops


# /proc/cpuinfo flags a target's generated code needs to run here (others: none known)
TARGET_CPU_FLAGS = {
    "avx2": ["avx2", "fma", "popcnt"],
    "avx512": ["avx512f", "avx512bw", "avx512vl", "avx512_vpopcntdq", "fma"],
}


def missing_cpu_flags(target: str) -> list[str]:
    """The flags TARGET's generated code checks for that this CPU lacks."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return []
    m = re.search(r"^flags\s*:(.*)$", text, re.M)
    have = set(m.group(1).split()) if m else set()
    return [f for f in TARGET_CPU_FLAGS.get(target, []) if f not in have]


def list_targets(xnorc: str) -> list[str]:
    """The target names ``xnorc --list-targets`` prints."""
    res = run_cmd([xnorc, "--list-targets"], 30)
    if not res.ok:
        raise SystemExit(f"error: {xnorc} --list-targets failed: {res.error}")
    return [line.split()[0] for line in res.stdout.splitlines() if line.strip()]


def runnable_targets(xnorc: str, requested: str) -> list[str]:
    """The targets of the comma-separated list `requested` that xnorc lists and whose CPU
    features this machine has; prints a SKIP line with the reason for each other one."""
    known = list_targets(xnorc)
    targets = []
    for t in [t.strip() for t in requested.split(",") if t.strip()]:
        if t in known and missing_cpu_flags(t):
            print(f"SKIP target {t}: this CPU lacks {', '.join(missing_cpu_flags(t))}")
        elif t in known:
            targets.append(t)
        else:
            print(f"SKIP target {t}: not in 'xnorc --list-targets' ({', '.join(known)})")
    return targets


# --------------------------------------------------------------------------
# The three tools
# --------------------------------------------------------------------------

def run_interpreter(xnorc_run: str, model: Path, inputs: Sequence[Path], outdir: Path,
                    extra_flags: Sequence[str] = ()) -> CmdResult:
    """``xnorc-run MODEL IN... -o OUTDIR [...]`` into a fresh OUTDIR."""
    fresh_dir(outdir)
    return run_cmd([xnorc_run, model, *inputs, "-o", outdir, *extra_flags], RUN_TIMEOUT)


def compile_model(xnorc: str, model: Path, gendir: Path, name: str | None = None,
                  extra_flags: Sequence[str] = (), target: str = "generic") -> CmdResult:
    """``xnorc MODEL -o GENDIR --emit-main --target=TARGET [...]``.

    Also checks that the contract's three files were written.
    """
    fresh_dir(gendir)
    cmd = [xnorc, model, "-o", gendir, "--emit-main", f"--target={target}"]
    if name:
        cmd.append(f"--name={name}")
    result = run_cmd([*cmd, *extra_flags], COMPILE_TIMEOUT)
    if result.ok:
        stem = name or c_identifier(model.stem)
        missing = [f for f in (f"{stem}.h", f"{stem}.cpp", f"{stem}_main.cpp")
                   if not (gendir / f).is_file()]
        if missing:
            result.ok = False
            result.error = f"xnorc: succeeded but did not write {', '.join(missing)} in {gendir}"
    return result


def build_program(cxx: str, gendir: Path, exe: Path, strict: bool = True,
                  extra_flags: Sequence[str] = (), object_cache: Path | None = None) -> CmdResult:
    """``CXX -std=c++17 -O2 [-Wall -Wextra -Werror] [EXTRA] GENDIR/*.cpp -o EXE``.

    With ``object_cache`` each source is compiled on its own (``-c``) into that directory,
    named by the hash of the compiler, the flags, the source and GENDIR's headers, and
    EXE is linked from the objects: a source another program of the run already compiled
    with the same headers and flags is not compiled again (same bytes in, same object out).
    Only for a CXX that compiles and links natively (not the qemu wrappers of test/neon).
    """
    sources = sorted(gendir.glob("*.cpp"))
    if not sources:
        return CmdResult(False, None, "", "", f"no .cpp files in {gendir}")
    flags = CXX_FLAGS + (STRICT_WARNINGS if strict else []) + list(extra_flags)
    if object_cache is None:
        return run_cmd([cxx, *flags, *sources, "-o", exe], COMPILE_TIMEOUT)
    object_cache.mkdir(parents=True, exist_ok=True)
    context = hashlib.sha256("\0".join([cxx, *flags]).encode())
    for header in sorted(gendir.glob("*.h")):
        context.update(b"\0" + header.name.encode() + b"\0" + header.read_bytes())
    objects = []
    for src in sources:
        key = context.copy()
        key.update(b"\0" + src.name.encode() + b"\0" + src.read_bytes())
        obj = object_cache / f"{key.hexdigest()}.o"
        if not obj.is_file():
            # Written under a name of this thread's, then renamed: a program being linked
            # never sees a half-written object, and two threads compiling the same source
            # both write a whole one.
            part = obj.with_suffix(f".{os.getpid()}.{threading.get_ident()}.part")
            result = run_cmd([cxx, *flags, "-c", src, "-o", part], COMPILE_TIMEOUT)
            if not result.ok:
                return result
            os.replace(part, obj)
        objects.append(obj)
    return run_cmd([cxx, *flags, *objects, "-o", exe], COMPILE_TIMEOUT)


def run_program(exe: Path, inputs: Sequence[Path], outdir: Path) -> CmdResult:
    """``EXE IN... -o OUTDIR`` into a fresh OUTDIR."""
    fresh_dir(outdir)
    return run_cmd([exe, *inputs, "-o", outdir], RUN_TIMEOUT)


def c_identifier(text: str) -> str:
    """A C identifier made from ``text`` (our guess of xnorc's default NAME)."""
    ident = re.sub(r"[^0-9A-Za-z_]", "_", text)
    return ident if ident and not ident[0].isdigit() else "_" + ident


# --------------------------------------------------------------------------
# Comparing outputs
# --------------------------------------------------------------------------

def max_rel_error(got: np.ndarray, expected: np.ndarray) -> float:
    """Max |got-exp|/|exp| over elements whose |exp| is not negligible.

    Elements smaller than 1e-3 of the largest expected magnitude are left
    out: their relative error is meaningless (the absolute tolerance covers
    them).
    """
    g = got.astype(np.float64).ravel()
    e = expected.astype(np.float64).ravel()
    finite = np.isfinite(g) & np.isfinite(e)
    g, e = g[finite], e[finite]
    if e.size == 0:
        return 0.0
    floor = max(1e-3 * float(np.max(np.abs(e))), 1e-30)
    big = np.abs(e) >= floor
    if not big.any():
        return 0.0
    return float(np.max(np.abs(g[big] - e[big]) / np.abs(e[big])))


def compare_arrays(got: np.ndarray, expected: np.ndarray, rtol: float = DEFAULT_RTOL,
                   atol: float = DEFAULT_ATOL) -> tuple[bool, str]:
    """np.allclose with NaN==NaN, plus a one-line diagnostic.

    Returns (ok, message); the message always carries the max abs and max
    relative error, and on mismatch the first mismatching index.
    """
    if got.shape != expected.shape:
        return False, f"shape {list(got.shape)}, expected {list(expected.shape)}"
    if got.size == 0:
        return True, "empty"
    g = got.astype(np.float64)
    e = expected.astype(np.float64)
    close = np.isclose(g, e, rtol=rtol, atol=atol, equal_nan=True)
    both_finite = np.isfinite(g) & np.isfinite(e)
    diff = np.abs(g - e)[both_finite]
    max_abs = float(diff.max()) if diff.size else 0.0
    stats = f"max abs err {max_abs:.3g}, max rel err {max_rel_error(got, expected):.3g}"
    if close.all():
        return True, stats
    bad = np.argwhere(~close)
    first = tuple(int(i) for i in bad[0])
    return False, (f"{len(bad)}/{got.size} elements differ; {stats}; first at {list(first)}: "
                   f"got {g[first]:.7g}, expected {e[first]:.7g}")


def check_outputs(outdir: Path, expected: Sequence[np.ndarray], rtol: float = DEFAULT_RTOL,
                  atol: float = DEFAULT_ATOL) -> tuple[bool, str]:
    """Compare ``OUTDIR/output{i}.npy`` against ``expected[i]`` for all i.

    Checks that exactly len(expected) outputs were written and that they are
    float32.  Returns (ok, message); on success the message summarises the
    worst errors over all outputs, on failure it describes the first problem.
    """
    notes = []
    for i, exp in enumerate(expected):
        path = outdir / f"output{i}.npy"
        if not path.is_file():
            return False, f"output{i}.npy not written"
        try:
            got = np.load(path, allow_pickle=False)
        except Exception as exc:  # corrupt .npy: report, don't crash the harness
            return False, f"output{i}.npy unreadable: {exc}"
        if got.dtype != np.float32:
            return False, f"output{i} dtype {got.dtype}, expected float32"
        ok, msg = compare_arrays(got, exp, rtol, atol)
        if not ok:
            return False, f"output{i}: {msg}"
        notes.append(msg if len(expected) == 1 else f"output{i}: {msg}")
    extra = outdir / f"output{len(expected)}.npy"
    if extra.exists():
        return False, f"wrote more than the {len(expected)} expected output(s)"
    return True, "; ".join(notes)


# --------------------------------------------------------------------------
# Expected skips
# --------------------------------------------------------------------------

@dataclass
class ExpectedSkip:
    """One entry of an expected-skip list: the test and a regex its skip reason matches."""

    name: str
    reason: re.Pattern
    where: str  # "FILE:LINE", for messages


def load_expected_skips(path: Path) -> dict[str, ExpectedSkip]:
    """The entries of PATH: one per line, ``NAME REASON-REGEX``; '#' starts a comment line.

    A skip is a claim that a test cannot run for a known reason; every one is checked in
    with that reason so that a new skip (a regression reported as "unsupported", a
    missing tool) fails the run instead of lowering the count of tests that ran.
    """
    entries: dict[str, ExpectedSkip] = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, pattern = line.partition(" ")
        where = f"{path.name}:{number}"
        if not pattern.strip():
            raise SystemExit(f"error: {where}: expected 'NAME REASON-REGEX', got '{line}'")
        if name in entries:
            raise SystemExit(f"error: {where}: {name} is listed twice")
        try:
            entries[name] = ExpectedSkip(name, re.compile(pattern.strip()), where)
        except re.error as exc:
            raise SystemExit(f"error: {where}: bad regex: {exc}") from None
    return entries


def unexpected_skip(expected: dict[str, ExpectedSkip], name: str, reason: str) -> str | None:
    """None when NAME's skip for REASON is listed; else why the skip is a failure."""
    entry = expected.get(name)
    if entry is None:
        return f"unexpected skip (not in the expected-skip list): {reason}"
    if not entry.reason.search(reason):
        return f"skipped for '{reason}', but {entry.where} expects /{entry.reason.pattern}/"
    return None


def stale_skips(expected: dict[str, ExpectedSkip], statuses: dict[str, str],
                in_scope=lambda name: True) -> list[str]:
    """One failure message per listed test in scope that did not skip.

    STATUSES maps every test the run selected to its status ("PASS", "FAIL", "SKIP");
    IN_SCOPE says which entries this run covers (a --filter leaves the others out).
    """
    problems = []
    for name, entry in sorted(expected.items()):
        if not in_scope(name):
            continue
        status = statuses.get(name)
        if status is None:
            problems.append(f"{name}: stale entry {entry.where}: no such test in this run")
        elif status != "SKIP":
            problems.append(f"{name}: stale entry {entry.where}: the test no longer skips "
                            f"({status}); remove the entry")
    return problems
