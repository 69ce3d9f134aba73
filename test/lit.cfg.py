# -*- Python -*-
# lit configuration for xnorc's FileCheck regression tests (Frontend, Passes, IR,
# Targets, Errors). Loaded from <build>/test/lit.site.cfg.py, which sets the paths.
import os
import shutil

import lit.formats

config.name = "xnorc"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".onnxtext", ".xir", ".test"]

config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.xnorc_obj_root, "test")

# Not lit tests: ctest-driven suites, helper inputs, and the config files themselves.
config.excludes = [
    "runtime",
    "fuzz",
    "e2e",
    "onnx-node",
    "Inputs",
    "CMakeLists.txt",
    "lit.cfg.py",
    "lit.site.cfg.py",
    "lit.site.cfg.py.in",
]

# Tools first: the just-built xnorc binaries, then LLVM's FileCheck/not/count/split-file.
for d in (config.llvm_tools_dir, config.xnorc_tools_dir):
    config.environment["PATH"] = os.path.pathsep.join(
        (d, config.environment.get("PATH", os.environ.get("PATH", ""))))

# Keep numeric formatting and Python deterministic.
config.environment["LC_ALL"] = "C"
config.environment["PYTHONDONTWRITEBYTECODE"] = "1"
# Sanitizer settings of scripts/sanitize.sh reach xnorc and the programs it builds.
for _var in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "TSAN_OPTIONS", "LSAN_OPTIONS"):
    if _var in os.environ:
        config.environment[_var] = os.environ[_var]


def tool(name):
    return os.path.join(config.xnorc_tools_dir, name)


# Longest names first so "%xnorc-opt" is not eaten by "%xnorc".
# Before %xnorc, which would otherwise match their prefix.
config.substitutions.append(("%src_root", config.xnorc_src_root))
config.substitutions.append(("%obj_root", config.xnorc_obj_root))
config.substitutions.append(("%xnorc-opt", tool("xnorc-opt")))
config.substitutions.append(("%xnorc-run", tool("xnorc-run")))
config.substitutions.append(("%xnorc", tool("xnorc")))
config.substitutions.append(("%python", config.python))
# XNORC_TEST_CXXFLAGS (scripts/sanitize.sh: -fsanitize=...) reaches every build of emitted code.
_extra_cxxflags = os.environ.get("XNORC_TEST_CXXFLAGS", "").strip()
_with_flags = lambda cxx: cxx + (" " + _extra_cxxflags if _extra_cxxflags else "")
# Before %cxx, whose prefix it shares. Programs run under qemu-user must not carry
# sanitizers: ASan's shadow-memory mappings do not work under user-mode emulation.
config.substitutions.append(("%cxx_unsanitized", shutil.which("g++") or "g++"))
config.substitutions.append(("%cxx", _with_flags(shutil.which("g++") or "g++")))
config.substitutions.append(("%clangxx", _with_flags(shutil.which("clang++") or "clang++")))
