#!/usr/bin/env bash
# bench/gpu/prepare.sh - fills .gpu/ (ignored by git, carried to the GPU machine)
# with what bench/gpu/run.sh needs there: the Debian kit's packages
# (../shared/gpu/fetch-debs.sh) plus ICU (the wordpiece plugin; its static
# libraries dropped to save 9 MiB) and xxHash (the token cache), the kit's
# scripts, the RoBERTa/BERT vocabularies and TweetEval emoji. Run it here, in
# the repository root, on a machine with Debian's apt; then check `du -sh .gpu`
# (the tree plus carried paths must stay under 64 MiB).
set -euo pipefail
SHARED=${SHARED:-../shared}
grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || echo /.gpu/ >>.git/info/exclude
mkdir -p .gpu/debs
bash "$SHARED/gpu/fetch-debs.sh" .gpu/debs
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download libicu-dev libicu72 libxxhash-dev libxxhash0 >/dev/null 2>&1)
mkdir "$tmp/icu"
dpkg-deb -R "$tmp"/libicu-dev_*.deb "$tmp/icu"
find "$tmp/icu" -name '*.a' -delete
dpkg-deb -Zxz -b "$tmp/icu" .gpu/debs/"$(basename "$tmp"/libicu-dev_*.deb)" >/dev/null
cp "$tmp"/libicu72_*.deb "$tmp"/libxxhash*.deb .gpu/debs/
rm -rf .gpu/kit && cp -r "$SHARED/gpu" .gpu/kit && chmod -R u+w .gpu/kit
mkdir -p .gpu/vocab/roberta-base .gpu/vocab/bert-base-uncased .gpu/data
cp "$SHARED"/vocab/roberta-base/{vocab.json,merges.txt} .gpu/vocab/roberta-base/
cp "$SHARED/vocab/bert-base-uncased/vocab.txt" .gpu/vocab/bert-base-uncased/
rm -rf .gpu/data/emoji && cp -r "$SHARED/data/tweeteval/datasets/emoji" .gpu/data/ && chmod -R u+w .gpu/data
# The hf_export test's work folder (ftlab's exported folder and its logits), for
# tests/hf/check_transformers_export.py there: build here first (scripts/test.sh).
if [ -d build/tests/hf/work-export/exported ]; then
  rm -rf .gpu/work-export && mkdir -p .gpu/work-export/ckpt
  cp -r build/tests/hf/work-export/{exported,b.safetensors} .gpu/work-export/
  cp build/tests/hf/work-export/ckpt/inputs.safetensors .gpu/work-export/ckpt/
else
  echo "prepare.sh: build/tests/hf/work-export missing; run scripts/test.sh first to include the export check" >&2
fi
du -sh .gpu
