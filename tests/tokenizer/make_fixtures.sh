#!/bin/bash
# make_fixtures.sh [SHARED_DIR] [OUT_DIR] - writes tokenizer conformance
# fixtures from Hugging Face's Rust `tokenizers` through its Python binding
# (../shared/peers/encode.py; the pinned tokenizers of scripts/setup-pip.sh).
#
#   bash tests/tokenizer/make_fixtures.sh               # the committed tests/tokenizer/fixtures/
#   EVERY=1 bash tests/tokenizer/make_fixtures.sh SHARED OUT   # every TweetEval line (CTest's peer tests)
#
# texts.txt.gz: every EVERY-th line (default 60) of every TweetEval split (all
# tasks, stance targets included), then ../shared/peers/tricky.txt, then
# edge_cases.py's lines (invalid UTF-8, NUL bytes, <mask> spacing, long words,
# rare Unicode). <name>.<plain|special>.ids.gz: the peer's ids, one line per
# text, for roberta (= experiments/assets/roberta-base), bert-base-uncased
# (= experiments/assets/bert-base-uncased/vocab.txt) and gpt2 (its files are
# not in the repository: that test reads ../shared/vocab/gpt2 or is skipped).
# PEER_PYTHON: a Python with tokenizers (default: .venv/bin/python, made by
# scripts/setup-pip.sh when missing).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
shared="${1:-$repo/../shared}"
out="${2:-$here/fixtures}"
every="${EVERY:-60}"
py="${PEER_PYTHON:-$repo/.venv/bin/python}"
if [ ! -d "$shared/data/tweeteval/datasets" ] || [ ! -f "$shared/peers/encode.py" ]; then
  echo "SKIP: $shared has no TweetEval data or peers/encode.py"
  exit 77
fi
[ -x "$py" ] || "$repo/scripts/setup-pip.sh"
mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

find "$shared/data/tweeteval/datasets" -name '*_text.txt' | LC_ALL=C sort | while read -r f; do
  awk -v n="$every" 'NR % n == 1 % n' "$f"
done > "$tmp/texts.txt"
cat "$shared/peers/tricky.txt" >> "$tmp/texts.txt"
/usr/bin/python3 "$here/edge_cases.py" >> "$tmp/texts.txt"

for tok in roberta bert-base-uncased gpt2; do
  "$py" "$shared/peers/encode.py" --tokenizer "$tok" "$tmp/texts.txt" "$tmp/$tok.plain.ids" 2>/dev/null
  "$py" "$shared/peers/encode.py" --tokenizer "$tok" --special "$tmp/texts.txt" "$tmp/$tok.special.ids" 2>/dev/null
done
[ "$(wc -l < "$tmp/texts.txt")" = "$(wc -l < "$tmp/roberta.plain.ids")" ] || { echo "line counts differ" >&2; exit 1; }
for f in texts.txt {roberta,bert-base-uncased,gpt2}.{plain,special}.ids; do
  gzip -1nc "$tmp/$f" > "$out/$f.gz"
done
echo "fixtures: $(wc -l < "$tmp/texts.txt") lines, tokenizers $("$py" -c 'import tokenizers; print(tokenizers.__version__)') -> $out"
