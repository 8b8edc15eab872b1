#!/bin/bash
# duplicate_plugins.sh FTLAB PLUGIN_DIR QUICKSTART WORK - the same plugin in two
# places: the host and plugin-check agree on which file is used (the first on
# the plugin search path) and both say so, for a copy with the same file name
# and for one with another name that declares the same kind and name.
set -uo pipefail
ftlab="$1" plugins="$2" quickstart="$3" work="$4"
fail() { echo "FAIL: $*"; exit 1; }
rm -rf "$work" && mkdir -p "$work/first" "$work/second" || exit 1
lib=libftlab_metric_classification.so
cp "$plugins/$lib" "$work/first/$lib"
cp "$plugins/$lib" "$work/second/libftlab_metric_classification_copy.so"
export FTLAB_PLUGIN_PATH="$work/first:$work/second:$plugins"
"$ftlab" validate "$quickstart" > "$work/validate.log" 2>&1 || { cat "$work/validate.log"; fail "validate"; }
grep -q "^ftlab: note: metric 'classification' is used from $work/first/$lib (first on the plugin path); also on the path and ignored: .*$work/second/libftlab_metric_classification_copy.so" "$work/validate.log" ||
  { cat "$work/validate.log"; fail "the host did not say which copy it uses"; }
grep -q "$plugins/$lib" "$work/validate.log" || { cat "$work/validate.log"; fail "the build's copy (same file name) not named as ignored"; }
"$ftlab" plugin-check "$plugins/$lib" > "$work/check.log" 2>&1
grep -q "warn  library: metric 'classification': the host uses $work/first/$lib (first on the plugin search path), not this file" "$work/check.log" ||
  { grep -E "warn|FAIL" "$work/check.log"; fail "plugin-check does not name the copy the host uses"; }
"$ftlab" plugin-check "$work/first/$lib" > "$work/check-first.log" 2>&1
grep -q "warn  library: metric 'classification' is used from $work/first/$lib (first on the plugin path); also on the path and ignored:" "$work/check-first.log" ||
  { grep -E "warn|FAIL" "$work/check-first.log"; fail "plugin-check of the used copy does not name the ignored ones"; }
"$ftlab" plugins > "$work/plugins.log" 2>&1
grep -q "ftlab: note: $work/second/libftlab_metric_classification_copy.so: ignored: metric 'classification' is provided by $work/first/$lib" "$work/plugins.log" ||
  { cat "$work/plugins.log"; fail "ftlab plugins does not list the ignored copy"; }
echo "ok: host, plugin-check and plugins agree: $work/first/$lib is used, the others ignored"
