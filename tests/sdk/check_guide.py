#!/usr/bin/env python3
"""Keeps docs/plugin-guide.md true: every code block announced with
<!-- quote: PATH --> must equal the file PATH byte for byte, and the stated
"**Line count: N lines** (A of CMake, B of C++" must match the quoted
examples/minimal_metric files. Usage: check_guide.py SOURCE_DIR
"""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
guide = (root / "docs" / "plugin-guide.md").read_text(encoding="utf-8")
failures = []
quotes = re.findall(r"<!-- quote: (\S+) -->\n```\w*\n(.*?)```\n", guide, flags=re.S)
if not quotes:
    failures.append("no <!-- quote: PATH --> blocks found")
for path, block in quotes:
    text = (root / path).read_text(encoding="utf-8")
    if block != text:
        failures.append(f"{path}: the guide's copy differs from the file; paste the file again")
    else:
        print(f"ok   {path} quoted verbatim ({len(text.splitlines())} lines)")
m = re.search(r"\*\*Line count: (\d+) lines\*\* \((\d+) of CMake, (\d+) of C\+\+", guide)
cmake = len((root / "examples/minimal_metric/CMakeLists.txt").read_text().splitlines())
cpp = len((root / "examples/minimal_metric/error_rate.cpp").read_text().splitlines())
if not m:
    failures.append("the guide states no line count")
elif (int(m[1]), int(m[2]), int(m[3])) != (cmake + cpp, cmake, cpp):
    failures.append(f"the guide says {m[1]} = {m[2]} + {m[3]} lines, the files have {cmake + cpp} = {cmake} + {cpp}")
else:
    print(f"ok   line count {cmake + cpp} = {cmake} CMake + {cpp} C++ (target: under 40)")
    if cmake + cpp >= 40:
        failures.append(f"the simplest metric takes {cmake + cpp} lines; the target is under 40")
for f in failures:
    print("FAIL", f)
sys.exit(1 if failures else 0)
