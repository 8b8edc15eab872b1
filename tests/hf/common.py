"""common.py - helpers shared by the tests/hf Python drivers: run hf_logits,
expect a one-line failure, skip (exit 77) when python3-torch is missing."""
import os
import subprocess
import sys

try:
    import torch  # noqa: F401  (Debian: python3-torch)
except ImportError:
    print("SKIP: python3-torch is not installed (scripts/install-deps.sh installs it)")
    sys.exit(77)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import st_io  # noqa: E402

FAILS = []


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        FAILS.append(what)


def toml(values):
    out = []
    for k, v in values.items():
        out.append(f'{k} = "{v}"' if isinstance(v, str) else f"{k} = {v}")
    return "\n".join(out)


def run_logits(exe, plugin, config, inputs, out, train=False, dump=False, h5=None, base_dir=None):
    cmd = [exe, "--plugin", plugin, "--config", toml(config), "--inputs", inputs, "--out", out]
    if train:
        cmd.append("--train")
    if dump:
        cmd.append("--dump-params")
    if h5:
        cmd += ["--h5-weights", h5]
    if base_dir:
        cmd += ["--base-dir", base_dir]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(r.stderr.strip())
    return st_io.read(out)[0], r.stderr


def expect_error(exe, plugin, config, inputs, out, needle, what):
    try:
        run_logits(exe, plugin, config, inputs, out)
        check(False, f"{what}: expected an error containing {needle!r}, got success")
    except RuntimeError as e:
        msg = str(e)
        one_line = "\n" not in msg
        check(needle in msg and one_line, f"{what}: {msg if needle in msg else 'got ' + repr(msg)}")


def finish():
    if FAILS:
        print(f"{len(FAILS)} check(s) failed")
        sys.exit(1)
    print("all checks passed")
