#!/bin/bash
# round2.sh FTLAB SOURCE_DIR RUN.h5 WORKDIR - the second hostile round's
# findings, each kept as a case: exit 1..125 with one line naming the problem
# (or, where the fix is to succeed, the right result), nothing replaced that
# should not be. RUN.h5 is a good tiny run (the damaged_results fixture).
set -uo pipefail
. "$(dirname "$0")/expect.sh"
ftlab="$1" src="$2" good="$3" work="$4"
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
q="$src/experiments/quickstart.toml" gold="$src/experiments/assets/tweeteval-sample"
cp "$good" good.h5
/usr/bin/python3 - <<'PY' || fail "h5py could not damage the files"
import h5py, numpy as np, shutil
def damaged(name, edit):
    shutil.copy("good.h5", name)
    with h5py.File(name, "r+") as f:
        edit(f)
def wide(f):
    a = f["eval/test/final/logits"][()]; b = np.zeros((a.shape[0], 1000), "f4"); b[:, 999] = 5
    del f["eval/test/final/logits"]; f["eval/test/final/logits"] = b
def attr_2x2(f):
    g = f["eval/test/final"]; del g.attrs["loss"]; g.attrs["loss"] = np.ones((2, 2))
def float_labels(f):
    a = f["eval/test/final/labels"][()].astype("f8") + 0.9; del f["eval/test/final/labels"]
    f["eval/test/final/labels"] = a
def nan_weight(f):
    w = f["model/weights/classifier.out_proj.bias"]; a = w[()]; a[0] = np.nan; w[...] = a
def failed(f):
    f.attrs["status"] = "failed"
def step_log_short(f):
    a = f["train/log/loss"][()]; del f["train/log/loss"]; f["train/log/loss"] = a[:-1]
damaged("wide.h5", wide); damaged("attr.h5", attr_2x2); damaged("floatlab.h5", float_labels)
damaged("nanw.h5", nan_weight); damaged("failed.h5", failed); damaged("steplog.h5", step_log_short)
PY
# Stored data of the wrong width, shape or type: refused, naming file and dataset.
expect "score: logits wider than the gold mapping" "wide.h5: its test logits have 1000 columns but the gold mapping" \
  "$ftlab" score --run wide.h5 --gold "$gold"
expect "report: a 2 x 2 attribute where one number belongs" "attr.h5: /eval/test/final/@loss: expected one number" \
  "$ftlab" report attr.h5 --out attr.html
expect "report: float labels" "floatlab.h5: /eval/test/final/labels: expected integers, found floating-point" \
  "$ftlab" report floatlab.h5 --out floatlab.html
expect "report: a log column shorter than the others" "steplog.h5: /train/log/loss: .* rows, the other columns" \
  "$ftlab" report steplog.h5 --out steplog.html
expect "predict: NaN in stored weights" "nanw.h5: model/weights/classifier.out_proj.bias holds NaN" \
  "$ftlab" predict --run nanw.h5 "a text"
expect "export: NaN in stored weights" "nanw.h5: model/weights/classifier.out_proj.bias holds NaN" \
  "$ftlab" export nanw.h5 --out nanw-export
expect "export: a failed run" "failed.h5: the run's status is 'failed', not complete" "$ftlab" export failed.h5 --out x
expect "score: a failed run" "failed.h5: the run's status is 'failed', not complete" \
  "$ftlab" score --run failed.h5 --gold "$gold"
for f in attr floatlab steplog; do [ -e $f.html ] && fail "$f.html left behind"; done
# Outputs that would replace something else.
mkfifo fifo
expect "report --out a FIFO" "output fifo: not a regular file" "$ftlab" report good.h5 --out fifo
[ -p fifo ] || fail "the FIFO was replaced"
cp "$q" exp.toml && sed -i "s|\"assets/|\"$src/experiments/assets/|" exp.toml
expect "run --output the experiment file" "is the experiment file" "$ftlab" run exp.toml --output exp.toml
cmp -s exp.toml <(sed "s|\"assets/|\"$src/experiments/assets/|" "$q") || fail "exp.toml was changed"
expect "run --output NAME.partial" ".partial names are for unfinished runs" "$ftlab" run "$q" --output x.h5.partial
expect "run --output DIR/ (new)" "names a folder; give a file name inside it" "$ftlab" run "$q" --output newdir/
echo "texts" > in.txt
expect "predict --output = --input" "is the --input file" "$ftlab" predict --run good.h5 --input in.txt --output in.txt
[ "$(cat in.txt)" = texts ] || fail "in.txt was changed"
mkdir other && echo keep > other/notes.txt
expect "export into a folder with other files" "a folder with other files" "$ftlab" export good.h5 --out other
"$ftlab" export good.h5 --out ex > /dev/null 2>&1 && touch ex/stale.txt &&
  "$ftlab" export good.h5 --out ex > /dev/null 2>&1 || fail "export twice into the same folder"
[ -e ex/stale.txt ] && fail "an export over an earlier one kept a stale file"
echo "ok: an export over an earlier one replaces it whole"
# Standard output that cannot be written is an error, not a complete-looking exit 0.
if [ -c /dev/full ]; then
  expect "inspect > /dev/full" "cannot write standard output" sh -c "\"$ftlab\" inspect good.h5 > /dev/full"
fi
# validate finds what run would fail on later.
expect "validate: max_length beyond the model's positions" "its longest input \\(200 tokens.*does not fit the model" \
  "$ftlab" validate "$q" --set model.max_position_embeddings=8 --set tokenizer.max_length=200
expect "validate: class weights all 0" "train.class_weights weights must not all be 0" \
  "$ftlab" validate "$q" --set "train.class_weights=[0.0, 0.0, 0.0]"
expect "validate: a NUL in a string" "experiment.name: contains a NUL character" \
  "$ftlab" validate "$q" --set 'experiment.name="a\u0000b"'
# A TOML error that quotes a newline is still one line.
printf '[experiment]\nname = "x"\n[train]\nepochs = t\n' > newline.toml
expect "a TOML error quoting a newline" "newline.toml:4:.*invalid TOML" "$ftlab" validate newline.toml
# A truncated plugin library: an error line, not SIGBUS.
mkdir plug && head -c 5000 "$(dirname "$ftlab")/plugins/libftlab_metric_classification.so" > plug/libftlab_metric_cut.so
"$ftlab" plugin-check plug/libftlab_metric_cut.so > cut.log 2>&1
[ $? = 1 ] && grep -q "FAIL  library: cannot be loaded: .*truncated or damaged ELF file" cut.log ||
  { cat cut.log; fail "plugin-check of a truncated library"; }
"$ftlab" plugins --plugin-path plug > plugins.log 2>&1
[ $? -le 1 ] && grep -q "libftlab_metric_cut.so: truncated or damaged ELF file" plugins.log ||
  { cat plugins.log; fail "plugins with a truncated library"; }
echo "ok: a truncated library is reported, not a SIGBUS"
# Sweeps: a dry run writes nothing; bad names and job counts are refused.
sed "s|output_dir = \"out\"|output_dir = \"$work/sw\"|; s|\"../../experiments|\"$src/experiments|" \
  "$src/tests/sweep/tiny_sweep.toml" > sweep.toml
"$ftlab" sweep sweep.toml --dry-run > dry.log 2>&1 || { cat dry.log; fail "dry run"; }
[ -e sw ] && fail "sweep --dry-run wrote $(find sw | head -3)"
echo "ok: sweep --dry-run writes nothing"
sed 's|name = "tiny-grid"|name = ".."|' sweep.toml > dotdot.toml
expect "sweep.name = '..'" "sweep.name must be a folder name" "$ftlab" sweep dotdot.toml --dry-run
expect "sweep --jobs 0" "--jobs must be at least 1" "$ftlab" sweep sweep.toml --jobs 0
# --resume of a file that is not a complete run does not claim it is complete.
: > empty.h5
expect "--resume an empty file" "empty.h5: not a results file that can be resumed" "$ftlab" run "$q" --resume empty.h5
# A command blocked on a FIFO ends on SIGINT (predict does not poll a stop flag).
timeout -k 5 -s INT 3 "$ftlab" predict --run good.h5 --input fifo > /dev/null 2>&1
[ $? = 124 ] || fail "predict blocked on a FIFO did not end on SIGINT"
echo "ok: SIGINT ends predict blocked on a FIFO"
# The third round: exports and model folders.
/usr/bin/python3 - <<'PY' || fail "could not damage the files"
import h5py, numpy as np, shutil, json, struct
shutil.copy("good.h5", "names.h5")
with h5py.File("names.h5", "r+") as f:
    del f["data/label_names"]; f["data/label_names"] = np.array(["l%d" % i for i in range(9)], dtype=h5py.string_dtype())
shutil.copy("good.h5", "schema.h5")
with h5py.File("schema.h5", "r+") as f:
    f.attrs["schema_version"] = 99
shutil.copytree("ex", "nanfolder")
p = "nanfolder/model.safetensors"; b = bytearray(open(p, "rb").read()); n = struct.unpack("<Q", b[:8])[0]
o = json.loads(b[8:8 + n])["classifier.out_proj.bias"]["data_offsets"][0] + 8 + n
b[o:o + 4] = struct.pack("<f", float("nan")); open(p, "wb").write(b)
PY
expect "export: more label names than the model has labels" "names.h5: data/label_names holds 9 names but the model has 3" \
  "$ftlab" export names.h5 --out names-export
expect "export: another schema version" "schema.h5: not results schema version 2" "$ftlab" export schema.h5 --out s
expect "predict --model: NaN in model.safetensors" "model.safetensors: 'classifier.out_proj.bias' holds NaN" \
  "$ftlab" predict --model nanfolder "a text"
cp -r ex fifofolder && rm fifofolder/model.safetensors && mkfifo fifofolder/model.safetensors
expect "predict --model: model.safetensors a FIFO" "fifofolder/model.safetensors: not a regular file" \
  timeout -k 5 30 "$ftlab" predict --model fifofolder "a text"
printf 'hello\0world\n' > nul.txt
"$ftlab" predict --run good.h5 --input nul.txt 2> /dev/null | grep -qF 'hello\0world' ||
  fail "predict's table cut a text at a NUL byte"
mkdir cmp && cp good.h5 cmp/a.h5 && mkfifo cmp/b.h5
"$ftlab" compare cmp 2>&1 | grep -q "cmp/b.h5: " || fail "compare skipped a FIFO named *.h5 without a word"
echo "ok: predict shows NUL bytes; compare lists a FIFO named *.h5 as not compared"
echo "round2: all cases ok"
