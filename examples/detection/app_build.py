"""The commands that compile a detector with xnorc and build the detection app against it,
shared by test/detection/run_detection.py, bench_detector.py and
count_armv6_instructions.py (examples/detection/CMakeLists.txt is the CMake route)."""

from pathlib import Path

HERE = Path(__file__).resolve().parent
APP_SOURCES = ["detect.cpp", "draw.cpp", "image.cpp", "yolo_decode.cpp"]


def xnorc_command(xnorc, model: str, gendir: Path, target: str, threads: int = 1) -> list:
    """xnorc on detector_<model>.onnx, writing gendir/detector.{h,cpp}."""
    return [xnorc, HERE / f"detector_{model}.onnx", "-o", gendir, "--name=detector",
            f"--target={target}", "--quiet", f"--threads={threads}"]


def build_command(cxx, gendir: Path, exe: Path, flags=("-std=c++17", "-O2")) -> list:
    """cxx building the app with the generated detector in gendir (-pthread for the
    thread team of --threads > 1 code)."""
    return [cxx, *flags, "-pthread", "-I", gendir, "-I", HERE, *(HERE / s for s in APP_SOURCES),
            gendir / "detector.cpp", "-o", exe]
