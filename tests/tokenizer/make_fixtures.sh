#!/bin/bash
# make_fixtures.sh - regenerates the tokenizer conformance fixtures in
# tests/tokenizer/fixtures/ from Hugging Face's Rust `tokenizers` (the npm
# peers in ../shared/peers). Needs node + npm once (setup.sh), not at test time.
#
#   bash tests/tokenizer/make_fixtures.sh [SHARED_DIR] [PEERS_DIR]
#
# texts.txt.gz: every 60th line of every TweetEval split (all tasks, stance
# targets included), then ../shared/peers/tricky.txt, then edge_cases.py's
# lines (invalid UTF-8, NUL bytes, <mask> spacing, long words, rare Unicode).
# <name>.<plain|special>.ids.gz: the peer's ids, one line per text, for
# roberta (= experiments/assets/roberta-base) and bert-base-uncased
# (= experiments/assets/bert-base-uncased/vocab.txt), and gpt2 (its files are
# not in the repository: that test reads ../shared/vocab/gpt2 or is skipped).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
shared="${1:-$repo/../shared}"
peers="${2:-/tmp/tokenizer-peers}"
out="$here/fixtures"
[ -f "$peers/encode.js" ] || bash "$shared/peers/setup.sh" "$peers"
mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

find "$shared/data/tweeteval/datasets" -name '*_text.txt' | LC_ALL=C sort | while read -r f; do
  awk 'NR % 60 == 1' "$f"
done > "$tmp/texts.txt"
cat "$shared/peers/tricky.txt" >> "$tmp/texts.txt"
/usr/bin/python3 "$here/edge_cases.py" >> "$tmp/texts.txt"

for tok in roberta bert-base-uncased gpt2; do
  node "$peers/encode.js" --tokenizer "$tok" "$tmp/texts.txt" "$tmp/$tok.plain.ids" 2>/dev/null
  node "$peers/encode.js" --tokenizer "$tok" --special "$tmp/texts.txt" "$tmp/$tok.special.ids" 2>/dev/null
done
[ "$(wc -l < "$tmp/texts.txt")" = "$(wc -l < "$tmp/roberta.plain.ids")" ] || { echo "line counts differ" >&2; exit 1; }
for f in texts.txt {roberta,bert-base-uncased,gpt2}.{plain,special}.ids; do
  gzip -9nc "$tmp/$f" > "$out/$f.gz"
done
echo "fixtures: $(wc -l < "$tmp/texts.txt") lines -> $out"
