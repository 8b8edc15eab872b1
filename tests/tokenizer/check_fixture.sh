#!/bin/bash
# check_fixture.sh FTLAB TOKENIZER_DIR FIXTURE_DIR NAME MODE [ftlab tokenize options...]
# Encodes fixtures/texts.txt.gz with `ftlab tokenize` and compares every line
# with fixtures/NAME.MODE.ids.gz (ids from Hugging Face's Rust tokenizers,
# made by make_fixtures.sh). MODE is plain or special. Prints the first
# differing lines with their text on failure.
set -euo pipefail
ftlab="$1" dir="$2" fx="$3" name="$4" mode="$5"
shift 5
if [ ! -d "$dir" ]; then
  echo "SKIP: $dir is missing (the shared vocabularies are not beside this checkout)"
  exit 77
fi
flags=()
[ "$mode" = special ] && flags+=(--special)
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
gzip -dc "$fx/texts.txt.gz" > "$tmp/texts.txt"
gzip -dc "$fx/$name.$mode.ids.gz" > "$tmp/want.txt"
"$ftlab" tokenize --tokenizer "$dir" "${flags[@]}" "$@" < "$tmp/texts.txt" > "$tmp/got.txt"
total=$(wc -l < "$tmp/want.txt")
bad=$(paste -d '\t' "$tmp/got.txt" "$tmp/want.txt" | awk -F'\t' '$1 != $2' | wc -l)
if [ "$(wc -l < "$tmp/got.txt")" != "$total" ] || [ "$bad" != 0 ]; then
  echo "$name $mode: $bad of $total lines differ from Hugging Face (got $(wc -l < "$tmp/got.txt") lines); first ones:"
  paste -d '\t' "$tmp/got.txt" "$tmp/want.txt" | awk -F'\t' '$1 != $2 {print NR": ours ["$1"] hf ["$2"]"}' | head -5
  awk -F'\t' 'NR==FNR {bad[$1]=1; next} (FNR in bad) {print FNR": text: "$0}' \
    <(paste -d '\t' "$tmp/got.txt" "$tmp/want.txt" | awk -F'\t' '$1 != $2 {print NR}' | head -5) "$tmp/texts.txt"
  exit 1
fi
echo "$name $mode: all $total lines identical to Hugging Face tokenizers"
