#!/bin/bash
# export_elsewhere.sh FTLAB SOURCE_DIR WORKDIR - `ftlab export` of a run made
# with a relative experiment path, from another folder: the tokenizer files
# come from the folder the run resolved its paths against (stored in the
# results file); a --base-dir that does not exist, or one without the
# tokenizer files, is a one-line error that leaves no folder and no staging
# folder behind.
set -uo pipefail
ftlab="$1" src="$2" work="$3"
rm -rf "$work" && mkdir -p "$work/elsewhere" "$work/empty"
fail() { echo "FAIL: $*"; exit 1; }
(cd "$src" && "$ftlab" run experiments/quickstart.toml --output "$work/r.h5" --set dataset.max_train=64 \
  --set dataset.max_validation=32 --set dataset.max_test=32 --set model.hidden_size=16 \
  --set model.intermediate_size=32 --set model.num_hidden_layers=1 --set model.num_attention_heads=2 \
  --set train.epochs=1 --set experiment.threads=1 > "$work/run.log" 2>&1) || { cat "$work/run.log"; fail "run"; }
cd "$work/elsewhere" || exit 1
"$ftlab" export ../r.h5 --out out > ../export.log 2>&1 || { cat ../export.log; fail "export from another folder"; }
for f in config.json model.safetensors vocab.json merges.txt tokenizer_config.json; do
  [ -f out/$f ] || fail "export from another folder lacks $f"
done
echo "ok: export from another folder has the tokenizer files"
for case in "--base-dir /nonexistent/x:not a folder" "--base-dir $work/empty:no tokenizer files"; do
  args="${case%%:*}" want="${case#*:}"
  # shellcheck disable=SC2086
  err=$("$ftlab" export ../r.h5 --out bad $args 2>&1 >/dev/null)
  rc=$?
  [ $rc -ge 1 ] && [ $rc -le 125 ] || fail "$args: exit $rc"
  [ "$(printf '%s\n' "$err" | grep -c .)" = 1 ] || fail "$args: not one line: $err"
  printf '%s' "$err" | grep -q "$want" || fail "$args: no '$want' in: $err"
  [ -e bad ] && fail "$args: left a folder 'bad'"
  ls -d bad.ftlab-export-* > /dev/null 2>&1 && fail "$args: left a staging folder"
  echo "ok: $args -> exit $rc: $err"
done
