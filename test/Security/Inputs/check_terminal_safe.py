"""Fails when a file holds bytes a terminal interprets rather than shows.

usage: check_terminal_safe.py FILE...

Allowed: printable ASCII, '\\n', '\\t' and well-formed UTF-8 outside the C1 controls
(U+0080..U+009F). Anything else (ESC, BEL, CR, backspace, DEL, C1, stray bytes) is
reported with its offset and the run exits 1. Each file's count of visible `\\xNN`
escapes is printed, so a test can check that the hostile bytes were shown, not dropped.
"""
import re
import sys


def bad_offsets(data: bytes):
    text = data.decode("utf-8", errors="surrogateescape")
    off = 0
    for ch in text:
        n = len(ch.encode("utf-8", errors="surrogateescape"))
        cp = ord(ch)
        if (cp < 0x20 and ch not in "\n\t") or cp == 0x7F or 0x80 <= cp <= 0x9F or 0xDC80 <= cp <= 0xDCFF:
            yield off, cp
        off += n


ESCAPE = re.compile(rb"\\x[0-9a-f]{2}")
status = 0
for path in sys.argv[1:]:
    data = open(path, "rb").read()
    bad = list(bad_offsets(data))
    for off, cp in bad[:10]:
        print(f"{path}: byte offset {off}: code point 0x{cp:x} reaches the terminal")
    status |= bool(bad)
    escapes = len(ESCAPE.findall(data))
    print(f"{path}: {len(bad)} unsafe, {escapes} escapes")
sys.exit(status)
