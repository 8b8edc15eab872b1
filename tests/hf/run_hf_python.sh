#!/bin/bash
# run_hf_python.sh PYTHON SCRIPT ARGS... - runs SCRIPT with the Python that has
# the pinned transformers (scripts/setup-pip.sh, CMake's FTLAB_HF_PYTHON);
# skips (77) where there is none, so a build without .venv/ still passes.
py="$1"
shift
if [ -z "$py" ] || [ ! -x "$py" ]; then
  echo "SKIP: no Python with transformers${py:+ at $py} (run scripts/setup-pip.sh, then scripts/build.sh again)"
  exit 77
fi
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
exec "$py" "$@"
