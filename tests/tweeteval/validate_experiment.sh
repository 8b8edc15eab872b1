#!/bin/bash
# validate_experiment.sh FTLAB SOURCE_DIR TASK - `ftlab validate` on
# experiments/tweeteval/TASK.toml with the bundled RoBERTa tokenizer files and
# the shared TweetEval copy (../shared/data/tweeteval/datasets): every key,
# file and component, with a tiny base checkpoint in the hub layout
# (tests/hf/make_checkpoint.py, RoBERTa vocabulary size, 130 positions for
# max_length 128: validate runs the longest input through it) standing in for
# models/distilroberta-base. Exits 77 (skip) when the shared copy is absent. If sentiment/train_text.txt is missing from the copy
# (it is absent from the shared copy), the sentiment file must fail with the message that
# says where to get it.
ftlab="$1"; src="$2"; task="$3"
data="$src/../shared/data/tweeteval/datasets"
if [ ! -d "$data" ]; then echo "SKIP: $data is absent"; exit 77; fi
ckpt=$(mktemp -d)
trap 'rm -rf "$ckpt"' EXIT
/usr/bin/python3 "$src/tests/hf/make_checkpoint.py" roberta "$ckpt" --base --vocab 50265 --positions 130 > /dev/null || exit 1
args=(validate "$src/experiments/tweeteval/$task.toml" --set "tokenizer.path=\"$src/experiments/assets/roberta-base\""
      --set "dataset.path=\"$data\"" --set "model.checkpoint=\"$ckpt\"" --set experiment.threads=1)
if [ "$task" = sentiment ] && [ ! -f "$data/sentiment/train_text.txt" ]; then
  "$src/tests/cli/expect_fail.sh" "sentiment/train_text.txt: cannot open; .*45615 lines.*cardiffnlp/tweeteval" \
    "$ftlab" "${args[@]}"
  exit $?
fi
"$ftlab" "${args[@]}"
