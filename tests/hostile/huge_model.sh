#!/bin/bash
# huge_model.sh FTLAB SOURCE_DIR WORKDIR - absurd model sizes, in the
# experiment and in a hub checkpoint's config.json, are refused by validate
# before any tensor is allocated (num_hidden_layers = 1e9 used to grow memory
# until the system killed the process); memory is capped at 4 GB here so a
# regression fails instead of exhausting the machine.
set -uo pipefail
ftlab="$1" src="$2" work="$3"
fail() { echo "FAIL: $*"; exit 1; }
rm -rf "$work" && mkdir -p "$work/ckpt" && cd "$work" || exit 1
cat > ckpt/config.json <<'JSON'
{"model_type": "roberta", "vocab_size": 50265, "hidden_size": 768, "num_hidden_layers": 1000000000,
 "num_attention_heads": 12, "intermediate_size": 3072, "max_position_embeddings": 514, "type_vocab_size": 1,
 "pad_token_id": 1, "layer_norm_eps": 1e-5}
JSON
/usr/bin/python3 - "$src/experiments/quickstart.toml" "$work" <<'PY' || fail "writing hub.toml"
import re, sys
text = open(sys.argv[1], encoding="utf-8").read().replace('"assets/', '"' + sys.argv[1].rsplit("/", 1)[0] + "/assets/")
model = f'[model]\nplugin = "roberta"\ncheckpoint = "{sys.argv[2]}/ckpt"\n\n'
open("hub.toml", "w", encoding="utf-8").write(re.sub(r"\[model\]\n(?:[^\[]*\n)", model, text, count=1))
PY
expect() { # expect NAME REGEX COMMAND...
  local name="$1" want="$2" err rc
  shift 2
  err=$(ulimit -v 4000000; "$@" 2>&1 >/dev/null)
  rc=$?
  [ $rc -ge 1 ] && [ $rc -le 125 ] || fail "$name: exit $rc: $err"
  [ "$(printf '%s\n' "$err" | grep -c .)" = 1 ] || fail "$name: not one line: $err"
  printf '%s' "$err" | grep -Eq "$want" || fail "$name: no '$want' in: $err"
  echo "ok: $name -> exit $rc: $err"
}
expect "num_hidden_layers = 1e9 in the experiment" "model.num_hidden_layers: the model would have 1.3.e\\+14 parameters" \
  "$ftlab" validate "$src/experiments/quickstart.toml" --set model.num_hidden_layers=1000000000
expect "num_hidden_layers = 1e9 in config.json" "num_hidden_layers: the model would have 7.08e\\+15 parameters" \
  "$ftlab" validate hub.toml
expect "hidden_size = 2^63" "hidden_size must be at most 2147483647" \
  "$ftlab" validate "$src/experiments/quickstart.toml" --set model.hidden_size=9223372036854775807
