#!/bin/bash
# damaged_checkpoint.sh FTLAB EXPERIMENT WORKDIR - the newest checkpoint of an
# interrupted run is damaged (truncated, as a failing disk or a copy cut short
# leaves it): --resume fails with one line that names it and offers the
# previous checkpoint, and resuming from that one completes the run.
set -uo pipefail
ftlab="$1" exp="$2" work="$3"
fail() { echo "FAIL: $*"; exit 1; }
rm -rf "$work" && mkdir -p "$work" || exit 1
SETS=(--set dataset.max_train=320 --set dataset.max_validation=32 --set dataset.max_test=32
      --set model.hidden_size=16 --set model.intermediate_size=32 --set model.num_hidden_layers=1
      --set model.num_attention_heads=2 --set train.epochs=200 --set train.batch_size=16
      --set train.save_strategy='"steps"' --set train.save_steps=5 --set train.save_total_limit=3
      --set train.load_best_model_at_end=false --set train.log_every=1000 --set experiment.threads=1)
out="$work/r.h5"
"$ftlab" run "$exp" "${SETS[@]}" --output "$out" > "$work/first.log" 2>&1 &
pid=$!
for _ in $(seq 1 3000); do
  [ "$(ls "$out.ckpt"/checkpoint-*.h5 2> /dev/null | wc -l)" -ge 2 ] && break
  kill -0 $pid 2> /dev/null || break
  sleep 0.01
done
kill -9 $pid 2> /dev/null
wait $pid 2> /dev/null
[ -f "$out" ] && fail "the run finished before it could be killed"
files=($(ls "$out.ckpt"/checkpoint-*.h5))
[ ${#files[@]} -ge 2 ] || fail "fewer than 2 checkpoints: ${files[*]}"
newest="${files[-1]}" previous="${files[-2]}"
truncate -s 2000 "$newest"
"$ftlab" run "$exp" "${SETS[@]}" --resume "$out" > "$work/resume.log" 2>&1
rc=$?
[ $rc -ge 1 ] && [ $rc -le 125 ] || { cat "$work/resume.log"; fail "resume from a damaged checkpoint: exit $rc"; }
[ "$(wc -l < "$work/resume.log")" = 1 ] || { cat "$work/resume.log"; fail "more than one line"; }
grep -q "$(basename "$newest").*resume from the previous checkpoint: --resume $previous" "$work/resume.log" ||
  { cat "$work/resume.log"; fail "the message does not offer the previous checkpoint"; }
echo "ok: $(cat "$work/resume.log")"
"$ftlab" run "$exp" "${SETS[@]}" --set train.epochs=2 --force --resume "$previous" --output "$out" \
  > "$work/second.log" 2>&1 || { tail -5 "$work/second.log"; fail "resume from the previous checkpoint"; }
/usr/bin/python3 -c "import h5py,sys; f=h5py.File(sys.argv[1]); assert f.attrs['status']=='complete'" "$out" ||
  fail "the resumed run is not complete"
echo "ok: resumed from $(basename "$previous") and completed"
