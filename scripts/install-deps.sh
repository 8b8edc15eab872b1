#!/bin/bash
# install-deps.sh - installs ftlab's Debian 12 build and test dependencies,
# only those missing (apt-get; uses sudo when not root). Safe to re-run.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libtorch-dev libopenblas0-pthread        # LibTorch 1.13 (CPU); OpenBLAS: ~10x faster than reference BLAS
  libboost-dev libboost-program-options-dev libboost-filesystem-dev
  libtomlplusplus-dev nlohmann-json3-dev libhdf5-dev libdlpack-dev libpcre2-dev
  libutf8proc-dev libicu-dev               # tokenizers: Unicode categories, NFD (utf8proc); Unicode age (ICU)
  catch2
  libxxhash-dev                            # token cache keys and checksums (framework/data/token_cache.cpp)
  python3 python3-h5py python3-numpy python3-sklearn python3-scipy   # independent checks of results files
  python3-torch                            # tests/hf: hand-written checkpoints and a plain-PyTorch reference forward
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
