#!/bin/bash
# setup-pip.sh [VENV_DIR] - makes the virtual environment of ftlab's second
# build: pip's LibTorch 2.x with CUDA (runs on the CPU where there is no GPU)
# plus transformers, tokenizers and safetensors, the references the tests
# check against; pinned in scripts/requirements-pip.txt. Default folder:
# $FTLAB_VENV or .venv/ in the repository. Needs no root unless Python's venv
# module is missing (then it apt-installs python3-venv). Safe to re-run: it
# does nothing when the folder already holds exactly these pins. About 5 GB
# (torch brings the CUDA libraries), a minute or two to download.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${1:-${FTLAB_VENV:-.venv}}"
req=scripts/requirements-pip.txt
stamp="$venv/.ftlab-requirements"
if [ -x "$venv/bin/python" ] && cmp -s "$req" "$stamp"; then
  echo "setup-pip: $venv is ready ($(grep -c '==' "$req") pinned packages)"
  exit 0
fi
py=python3
if ! "$py" -m venv --help >/dev/null 2>&1 || ! "$py" -c 'import ensurepip' 2>/dev/null; then
  echo "setup-pip: $py has no venv module; installing Debian's python3-venv"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv
  py=/usr/bin/python3
fi
[ -x "$venv/bin/python" ] || "$py" -m venv "$venv"
echo "setup-pip: installing $(grep '==' "$req" | tr '\n' ' ')into $venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$req"
"$venv/bin/python" - <<'PY'
import torch, transformers, tokenizers, safetensors
print(f"setup-pip: torch {torch.__version__} (CUDA {torch.version.cuda}), transformers {transformers.__version__}, "
      f"tokenizers {tokenizers.__version__}, safetensors {safetensors.__version__}")
PY
cp "$req" "$stamp"
