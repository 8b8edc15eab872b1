#!/bin/bash
# predict_folder.sh FTLAB RUN.h5 TEXTS WORK QUICKSTART - `ftlab predict --model DIR` on the
# folder `ftlab export` writes from RUN.h5 gives the labels and probabilities
# `ftlab predict --run RUN.h5` gives (same tokenizer ids, same weights), on the
# first 50 lines of TEXTS plus a text longer than the run's max_length (the
# folder's tokenizer_config.json carries it as model_max_length, so no
# --max-length is given; the test checks the value); the same for a
# tiny BERT run trained here (the folder, not a name, picks wordpiece + bert); and the bad
# inputs (no folder, no config.json, no tokenizer files, a base checkpoint
# without its classifier) fail with one line naming the file.
set -uo pipefail
FTLAB="$1"; RUN="$2"; TEXTS="$3"; W="$4"; QUICKSTART="$5"
rm -rf "$W"; mkdir -p "$W"
fail() { echo "FAIL: $*"; exit 1; }

"$FTLAB" export "$RUN" --format hf --out "$W/model" > "$W/export.log" 2>&1 || { cat "$W/export.log"; fail "export"; }
head -50 "$TEXTS" > "$W/texts.txt"
long="$(printf 'a very long tweet %.0s' $(seq 1 60))"
echo "$long" >> "$W/texts.txt"
max_length=$(/usr/bin/python3 -c "
import h5py, sys, tomllib
t = h5py.File(sys.argv[1], 'r')['config'].attrs['experiment_toml']
print(tomllib.loads(t.decode() if isinstance(t, bytes) else t)['tokenizer']['max_length'])" "$RUN")
[ -n "$max_length" ] || fail "cannot read the run's tokenizer max_length"

"$FTLAB" predict --run "$RUN" --input "$W/texts.txt" --output "$W/run.jsonl" --top-k 3 2> "$W/run.log" || { cat "$W/run.log"; fail "predict --run"; }
/usr/bin/python3 -c "import json,sys; v=json.load(open(sys.argv[1]))['model_max_length']; sys.exit(v != int(sys.argv[2]))" \
  "$W/model/tokenizer_config.json" "$max_length" || fail "tokenizer_config.json lacks model_max_length = $max_length"
"$FTLAB" predict --model "$W/model" --input "$W/texts.txt" --output "$W/folder.jsonl" \
  --top-k 3 2> "$W/folder.log" || { cat "$W/folder.log"; fail "predict --model"; }
grep -q "tokenizer plugin 'bpe', model plugin 'roberta'" "$W/folder.log" || { cat "$W/folder.log"; fail "plugins not reported"; }
/usr/bin/python3 - "$W/run.jsonl" "$W/folder.jsonl" <<'PY' || fail "predictions differ"
import json, sys
a = [json.loads(l) for l in open(sys.argv[1])]
b = [json.loads(l) for l in open(sys.argv[2])]
assert len(a) == len(b) == 51, (len(a), len(b))
worst = 0.0
for x, y in zip(a, b):
    assert x["text"] == y["text"] and x["label"] == y["label"], (x, y)
    assert [t["label"] for t in x["top_k"]] == [t["label"] for t in y["top_k"]], (x, y)
    for s, t in zip(x["top_k"], y["top_k"]):
        worst = max(worst, abs(s["probability"] - t["probability"]))
assert worst <= 1e-6, worst
print(f"51 texts: same labels, probabilities within {worst:.2e}")
PY
# Labels come from config.json's id2label, which export wrote from the run.
/usr/bin/python3 -c "
import json, sys
labels = json.load(open(sys.argv[1]))['id2label']
seen = {json.loads(l)['label'] for l in open(sys.argv[2])}
assert seen <= set(labels.values()), (seen, labels)" "$W/model/config.json" "$W/folder.jsonl" || fail "labels not from id2label"

# The plain table output of both routes agrees too.
"$FTLAB" predict --run "$RUN" "I love this" "worst day ever" > "$W/run.txt" 2>/dev/null || fail "table --run"
"$FTLAB" predict --model "$W/model" "I love this" "worst day ever" > "$W/folder.txt" 2>/dev/null || fail "table --model"
cmp -s "$W/run.txt" "$W/folder.txt" || { diff "$W/run.txt" "$W/folder.txt"; fail "tables differ"; }

# A BERT run: its exported folder holds vocab.txt, so wordpiece and bert are picked.
"$FTLAB" run "$QUICKSTART" --output "$W/bert.h5" --set 'tokenizer.plugin="wordpiece"' \
  --set 'tokenizer.path="assets/bert-base-uncased"' --set 'model.plugin="bert"' --set model.max_position_embeddings=128 \
  --set dataset.max_train=64 --set dataset.max_validation=32 --set dataset.max_test=32 --set model.hidden_size=16 \
  --set model.num_attention_heads=2 --set model.intermediate_size=32 --set model.num_hidden_layers=1 \
  --set train.epochs=1 --set 'train.save_strategy="no"' --set train.load_best_model_at_end=false \
  --set experiment.threads=1 > "$W/bert-run.log" 2>&1 || { cat "$W/bert-run.log"; fail "BERT run"; }
"$FTLAB" export "$W/bert.h5" --format hf --out "$W/bert-model" > "$W/bert-export.log" 2>&1 || fail "BERT export"
head -20 "$W/texts.txt" > "$W/texts20.txt"
"$FTLAB" predict --run "$W/bert.h5" --input "$W/texts20.txt" > "$W/bert-run.txt" 2>/dev/null || fail "BERT --run"
"$FTLAB" predict --model "$W/bert-model" --input "$W/texts20.txt" > "$W/bert-folder.txt" 2> "$W/bert-folder.log" ||
  { cat "$W/bert-folder.log"; fail "BERT --model"; }
grep -q "tokenizer plugin 'wordpiece', model plugin 'bert'" "$W/bert-folder.log" || { cat "$W/bert-folder.log"; fail "BERT plugins"; }
cmp -s "$W/bert-run.txt" "$W/bert-folder.txt" || { diff "$W/bert-run.txt" "$W/bert-folder.txt"; fail "BERT tables differ"; }

# Bad input: one line naming the file and what to do.
expect_fail() {  # NEEDLE CMD...
  local needle="$1"; shift
  out=$("$@" 2>&1) && fail "expected failure: $*"
  err=$(echo "$out" | grep "^ftlab: error: ")  # plugins may log info lines before it
  [ "$(echo "$err" | grep -c .)" -eq 1 ] || fail "not one error line: $out"
  echo "$err" | grep -qE -- "$needle" || fail "message lacks '$needle': $out"
}
expect_fail "$W/nope: no such folder" "$FTLAB" predict --model "$W/nope" "a text"
cp -r "$W/model" "$W/no-config" && rm "$W/no-config/config.json"
expect_fail "no-config/config.json: not found" "$FTLAB" predict --model "$W/no-config" "a text"
cp -r "$W/model" "$W/no-tokenizer" && rm -f "$W/no-tokenizer/vocab.json" "$W/no-tokenizer/merges.txt"
expect_fail "no tokenizer plugin reads the tokenizer files.*no-tokenizer/vocab.json" \
  "$FTLAB" predict --model "$W/no-tokenizer" "a text"
expect_fail "--max-length 2 is refused \\(tokenizer \\(plugin 'bpe'\\) key 'max_length': max_length must be at least 4" \
  "$FTLAB" predict --model "$W/model" --max-length 2 "a text"
expect_fail "give --run or --model, not both" "$FTLAB" predict --run "$RUN" --model "$W/model" "a text"
cp -r "$W/model" "$W/base" && /usr/bin/python3 - "$W/base/model.safetensors" <<'PY'
# Drops the classifier tensors: a base checkpoint, as the hub serves them.
import json, struct, sys
path = sys.argv[1]
raw = open(path, "rb").read()
n = struct.unpack("<Q", raw[:8])[0]
header = json.loads(raw[8:8 + n])
data = raw[8 + n:]
keep = {k: v for k, v in header.items() if k == "__metadata__" or not k.startswith("classifier.")}
out, pos = {}, 0
body = b""
for k, v in sorted(((k, v) for k, v in keep.items() if k != "__metadata__"), key=lambda kv: kv[1]["data_offsets"][0]):
    b, e = v["data_offsets"]
    out[k] = dict(v, data_offsets=[pos, pos + e - b])
    body += data[b:e]
    pos += e - b
if "__metadata__" in keep:
    out["__metadata__"] = keep["__metadata__"]
h = json.dumps(out).encode()
h += b" " * ((8 - len(h) % 8) % 8)
open(path, "wb").write(struct.pack("<Q", len(h)) + h + body)
PY
expect_fail "base/model.safetensors has no 'classifier\\..*base checkpoint without a trained classifier" \
  "$FTLAB" predict --model "$W/base" "a text"
echo "PASS"
