#!/bin/bash
# run.sh [BUILD_DIR] [SHARED_DIR] - tokenizer throughput and load
# time: `ftlab tokenize` (bpe on roberta-base, wordpiece on bert-base-uncased)
# against Hugging Face's Rust tokenizers through its Python binding
# (../shared/peers/encode.py with the pinned tokenizers of .venv/, made by
# scripts/setup-pip.sh when missing; PEER_PYTHON overrides), on the same
# machine in the same run, on `gen_tweets.py 50000 1234`. Single-thread
# figures pin both to CPU 0 (taskset -c 0, RAYON_NUM_THREADS=1); "all cores"
# runs ftlab with --threads $(nproc). Each figure is the best of REPEAT passes
# (default 5) over the whole input, like the peer's --repeat. Also checks that
# both give identical ids on this input. Writes bench/results/tokenizer.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
build="${1:-$repo/build}"
shared="${2:-$repo/../shared}"
py="${PEER_PYTHON:-$repo/.venv/bin/python}"
repeat="${REPEAT:-5}"
ftlab="$build/ftlab"
[ -x "$ftlab" ] || { echo "run.sh: build ftlab first ($ftlab missing)" >&2; exit 1; }
[ -x "$py" ] || "$repo/scripts/setup-pip.sh"
export FTLAB_PLUGIN_PATH="$build/plugins"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 "$shared/peers/gen_tweets.py" 50000 1234 > "$tmp/in.txt"
ncpu="$(nproc)"

field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" "$2" | tail -1; }
rows=""
for spec in roberta:roberta-base bert-base-uncased:bert-base-uncased; do
  peer="${spec%%:*}" dir="$shared/vocab/${spec#*:}"
  # ftlab reads the canonical files (vocab.json + merges.txt / vocab.txt); copy them alone
  mkdir -p "$tmp/$peer"
  for f in vocab.json merges.txt vocab.txt; do [ -f "$dir/$f" ] && cp "$dir/$f" "$tmp/$peer/"; done
  RAYON_NUM_THREADS=1 taskset -c 0 "$py" "$shared/peers/encode.py" --tokenizer "$peer" --repeat "$repeat" \
    "$tmp/in.txt" "$tmp/peer.$peer.ids" 2> "$tmp/peer.$peer.log"
  # the peer's load: Tokenizer.from_file on its tokenizer.json, median of 7
  RAYON_NUM_THREADS=1 taskset -c 0 "$py" -c 'import statistics, sys, time
from tokenizers import Tokenizer
ts = []
for _ in range(7):
    t = time.perf_counter(); Tokenizer.from_file(sys.argv[1]); ts.append(time.perf_counter() - t)
print(f"load_s={statistics.median(ts):.4f}")' "$dir/tokenizer.json" >> "$tmp/peer.$peer.log"
  taskset -c 0 "$ftlab" tokenize --tokenizer "$tmp/$peer" --threads 1 --repeat "$repeat" --stats \
    < "$tmp/in.txt" > "$tmp/ours.$peer.ids" 2> "$tmp/one.$peer.log"
  "$ftlab" tokenize --tokenizer "$tmp/$peer" --threads "$ncpu" --repeat "$repeat" --stats \
    < "$tmp/in.txt" > /dev/null 2> "$tmp/all.$peer.log"
  same="no"
  cmp -s "$tmp/peer.$peer.ids" "$tmp/ours.$peer.ids" && same="yes"
  # load time: median of 7 runs on empty input (plugin create = reading the files), wall and CPU
  for i in 1 2 3 4 5 6 7; do
    "$ftlab" tokenize --tokenizer "$tmp/$peer" --threads 1 --stats < /dev/null 2>&1 >/dev/null
  done > "$tmp/loads.$peer"
  sed -n 's/.*load_ms=\([0-9.]*\).*/\1/p' "$tmp/loads.$peer" | sort -n | sed -n 4p > "$tmp/load.$peer"
  sed -n 's/.*load_cpu_ms=\([0-9.]*\).*/\1/p' "$tmp/loads.$peer" | sort -n | sed -n 4p > "$tmp/loadcpu.$peer"
  p1="$(field tokens_per_s "$tmp/peer.$peer.log")"
  pl="$(field load_s "$tmp/peer.$peer.log")"
  o1="$(field tokens_per_s "$tmp/one.$peer.log")"
  of="$(awk -v t="$(field tokens "$tmp/one.$peer.log")" -v s="$(field first_s "$tmp/one.$peer.log")" 'BEGIN{printf "%.0f", t/s}')"
  oa="$(field tokens_per_s "$tmp/all.$peer.log")"
  tokens="$(field tokens "$tmp/one.$peer.log")"
  rows+="$(awk -v n="$peer" -v p1="$p1" -v o1="$o1" -v of="$of" -v oa="$oa" -v c="$ncpu" -v same="$same" -v tok="$tokens" \
    -v lo="$(cat "$tmp/load.$peer")" -v lc="$(cat "$tmp/loadcpu.$peer")" -v pl="$pl" 'BEGIN {
      printf "| %s | %d | %.2f M | %.2f M (%.1fx) | %.2f M (%.1fx) | %.2f M (%.1fx), %d threads | %s | %.0f ms wall, %.0f ms CPU | %.0f ms |\n",
        n, tok, p1/1e6, o1/1e6, o1/p1, of/1e6, of/p1, oa/1e6, oa/p1, c, same, lo, lc, pl*1000 }')"$'\n'
done

out="$repo/bench/results/tokenizer.md"
{
  echo "# Tokenizer throughput and load time"
  echo
  echo "Made by \`bench/tokenizer/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), git $(git -C "$repo" rev-parse --short HEAD)."
  echo "Load average while it ran: $(cut -d' ' -f1-3 /proc/loadavg) (other jobs share the machine; wall times include waiting for a CPU)."
  echo "Machine: $(lscpu | sed -n 's/^Model name: *//p'), $ncpu CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME")."
  echo "Input: \`gen_tweets.py 50000 1234\` (50,000 tweet-like lines, $(wc -c < "$tmp/in.txt") bytes), no special tokens."
  echo "Peer: Hugging Face \`tokenizers\` (Rust) $("$py" -c 'import tokenizers; print(tokenizers.__version__)') through its official Python binding ($("$py" --version)),"
  echo "\`RAYON_NUM_THREADS=1 taskset -c 0\`, encode_batch in chunks of 1,024 lines; its figure **includes the"
  echo "binding's overhead** (one Python Encoding object per line), so it understates the Rust core's own speed."
  echo "Peer load: \`Tokenizer.from_file\` on the same vocabulary's tokenizer.json, median of 7, in-process."
  echo "ftlab: \`ftlab tokenize\` (plugins bpe / wordpiece), \`taskset -c 0 --threads 1\`; figures include"
  echo "formatting the ids as text. ftlab: best of $repeat passes; peer: the mean of its $repeat passes (encode.py times"
  echo "them together; its caches are warm after the first pass too);"
  echo "\"first pass\" is ftlab's first pass with a cold word cache."
  echo
  echo "| tokenizer | tokens | peer, 1 thread (tokens/s) | ftlab, 1 thread (ratio to peer) | ftlab first pass, 1 thread | ftlab, all cores | same ids | ftlab load (median of 7) | peer load |"
  echo "|---|---|---|---|---|---|---|---|---|"
  printf "%s" "$rows"
  echo
  echo "Load time is the plugin's create(): reading vocab.json + merges.txt (50,265 tokens, 50,000 merges)"
  echo "or vocab.txt (30,522 tokens) and building the tables; the target is under 100 ms for a 50k vocabulary."
  echo "CPU is the loading thread's CPU time (CLOCK_THREAD_CPUTIME_ID), which does not count time spent waiting"
  echo "for a CPU on a busy machine; wall is what a user waits."
} > "$out"
cat "$out"
