#!/bin/bash
# two_sweeps.sh FTLAB SWEEP WORKDIR - two sweeps started at once on one folder
# (no --shard): every point runs exactly once, each sweep leaves the points
# the other holds to it, both exit 0, and every results file is complete.
# (Each point's lock is claimed by the sweep and handed to its child run.)
set -uo pipefail
ftlab="$1" sweep="$2" work="$3"
fail() { echo "FAIL: $*"; exit 1; }
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
SET=(--set "experiment.output_dir=\"$work\"" --set train.epochs=3)
"$ftlab" sweep "$sweep" "${SET[@]}" > a.log 2>&1 &
pa=$!
"$ftlab" sweep "$sweep" "${SET[@]}" > b.log 2>&1 &
pb=$!
wait $pa || { cat a.log; fail "sweep a"; }
wait $pb || { cat b.log; fail "sweep b"; }
ran() { grep -o '^  [0-9a-f]\{12\} running' "$1" | awk '{print $1}' | sort; }
a=$(ran a.log) b=$(ran b.log)
all=$(tail -n +2 sweeps/tiny-grid/index.tsv | cut -f1 | sort)
[ -z "$(comm -12 <(echo "$a") <(echo "$b"))" ] || { cat a.log b.log; fail "a point ran in both sweeps"; }
[ "$(printf '%s\n%s\n' "$a" "$b" | sed '/^$/d' | sort)" == "$all" ] || { cat a.log b.log; fail "points not run: $all"; }
for id in $all; do
  /usr/bin/python3 -c "import h5py,sys; f=h5py.File(sys.argv[1]); assert f.attrs['status']=='complete'" \
    "sweeps/tiny-grid/$id.h5" || fail "$id.h5 not complete"
  [ "$(grep -c '^results: ' "sweeps/tiny-grid/$id.log")" = 1 ] || fail "$id ran $(grep -c '^results: ' "sweeps/tiny-grid/$id.log") times"
done
ls sweeps/tiny-grid/*.lock 2> /dev/null && fail "lock files left behind"
echo "ok: sweep a ran $(echo $a), sweep b ran $(echo $b); each point once, all complete, no lock left"
