#!/bin/bash
# disk_full.sh FTLAB SOURCE_DIR WORKDIR - a run whose disk fills up, on a
# small tmpfs: (1) while writing its first checkpoint, (2) while embedding its
# checkpoints into the results file. Each ends with exit 1 (not a signal: HDF5
# once crashed at exit, and in H5Ocopy), the error names the file and "No
# space left on device", the .partial results file is kept and no half-written
# checkpoint is left; after (2) the tmpfs grows and --resume completes the run,
# its file checked with h5py and scikit-learn. Needs root to mount; skips
# otherwise.
set -uo pipefail
ftlab="$1" src="$2" work="$3"
fail() { echo "FAIL: $*"; exit 1; }
umount "$work/disk" 2> /dev/null  # left mounted by an interrupted earlier run
rm -rf "$work" && mkdir -p "$work/disk" || exit 1
mount -t tmpfs -o size=3m tmpfs "$work/disk" 2> /dev/null || { echo "SKIP: cannot mount a tmpfs (needs root)"; exit 77; }
trap 'umount "$work/disk" 2> /dev/null' EXIT
d="$work/disk"
S=(--set dataset.max_train=320 --set dataset.max_validation=64 --set dataset.max_test=64 --set model.hidden_size=16
   --set model.intermediate_size=32 --set model.num_hidden_layers=1 --set model.num_attention_heads=2
   --set train.epochs=3 --set train.save_total_limit=0 --set experiment.threads=2)
check_full() { # check_full LOG RC WHAT
  [ "$2" = 1 ] || { tail -5 "$1"; fail "$3: exit $2, expected 1"; }
  grep -q "^ftlab: error: .*$d/.*: No space left on device" "$1" || { tail -3 "$1"; fail "$3: no path and OS error"; }
  [ -f "$d/r.h5.partial" ] || fail "$3: the .partial results file is gone"
  [ -e "$d/r.h5" ] && fail "$3: a complete-looking r.h5 exists"
  ls "$d"/r.h5.ckpt/*.tmp > /dev/null 2>&1 && fail "$3: a half-written checkpoint is left"
  echo "ok: $3 -> exit 1: $(grep '^ftlab: error' "$1" | cut -c1-200)"
}
"$ftlab" run "$src/experiments/quickstart.toml" --output "$d/r.h5" "${S[@]}" > "$work/a.log" 2>&1
check_full "$work/a.log" $? "full at the first checkpoint (3 MB)"
rm -rf "${d:?}"/* && mount -o remount,size=14m "$d" || fail "remount"
"$ftlab" run "$src/experiments/quickstart.toml" --output "$d/r.h5" "${S[@]}" > "$work/b.log" 2>&1
check_full "$work/b.log" $? "full while embedding checkpoints in the results (14 MB)"
mount -o remount,size=128m "$d" || fail "remount"
"$ftlab" run "$src/experiments/quickstart.toml" --resume "$d/r.h5" "${S[@]}" > "$work/c.log" 2>&1 ||
  { tail -5 "$work/c.log"; fail "resume after space was freed"; }
grep -q "resumed from" "$work/c.log" || fail "did not resume"
/usr/bin/python3 "$src/tests/python/check_results.py" "$d/r.h5" || fail "the resumed run's file"
echo "ok: resumed after space was freed: $(grep 'resumed from' "$work/c.log")"
