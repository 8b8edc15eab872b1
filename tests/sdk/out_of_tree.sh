#!/bin/sh
# out_of_tree.sh - the plugin author's path, end to end: installs this build
# of ftlab into a fresh temporary prefix (no root), builds examples/plugins
# and the minimal plugin of each kind (examples/minimal_*, one of them a
# LibTorch model written with ftlab/model.hpp) against it with find_package(ftlab),
# runs plugin-check on each (examples/plugins through its own CTest), checks
# that none but the LibTorch model links LibTorch, installs them into the same
# prefix and checks that the installed ftlab finds its bundled plugins and the
# new ones with no flag.
# Usage: out_of_tree.sh BUILD_DIR SOURCE_DIR WORK_DIR GENERATOR CXX_COMPILER
set -eu
build=$1 src=$2 work=$3 generator=$4 cxx=$5
prefix=$work/prefix
rm -rf "$work"
mkdir -p "$work"
step() { echo "== $*"; }
step "cmake --install $build --prefix $prefix"
cmake --install "$build" --prefix "$prefix" > "$work/install.log"
for f in bin/ftlab include/ftlab/plugin.h include/ftlab/sdk.hpp lib/cmake/ftlab/ftlabConfig.cmake \
         lib/cmake/ftlab/FtlabPlugin.cmake lib/ftlab/plugins/libftlab_tokenizer_bpe.so; do
  [ -e "$prefix/$f" ] || { echo "FAIL: the install has no $f"; exit 1; }
done
launcher=""
if command -v ccache > /dev/null; then launcher=-DCMAKE_CXX_COMPILER_LAUNCHER=ccache; fi
for proj in plugins minimal_metric minimal_tokenizer minimal_model minimal_torch_model; do
  step "build examples/$proj against the installed SDK"
  cmake -S "$src/examples/$proj" -B "$work/build-$proj" -G "$generator" -DCMAKE_CXX_COMPILER="$cxx" \
        -DCMAKE_PREFIX_PATH="$prefix" $launcher > "$work/configure-$proj.log" ||
    { cat "$work/configure-$proj.log"; exit 1; }
  cmake --build "$work/build-$proj"
  cmake --install "$work/build-$proj" --prefix "$prefix"
done
step "the examples' own tests (plugin-check with the installed ftlab)"
ctest --test-dir "$work/build-plugins" --output-on-failure
for lib in "$work"/build-minimal_*/plugins/libftlab_*.so; do
  step "plugin-check $lib"
  "$prefix/bin/ftlab" plugin-check "$lib" > "$work/check.log" || { cat "$work/check.log"; exit 1; }
  tail -1 "$work/check.log"
done
for lib in "$work"/build-*/plugins/libftlab_*.so; do
  case "$lib" in */build-minimal_torch_model/*) continue ;; esac
  if objdump -p "$lib" | grep -q 'NEEDED.*libtorch'; then echo "FAIL: $lib links LibTorch"; exit 1; fi
done
step "the installed ftlab finds its plugins with no flag"
(cd "$work" && env -u FTLAB_PLUGIN_PATH "$prefix/bin/ftlab" plugins) > "$work/plugins.txt"
cat "$work/plugins.txt"
for name in bpe roberta classification matthews class_files error_rate bytes bag bag_torch; do
  grep -q "^[a-z]* *$name " "$work/plugins.txt" || { echo "FAIL: installed ftlab did not list '$name'"; exit 1; }
done
grep -q "$prefix/lib/ftlab/plugins/libftlab_metric_matthews.so" "$work/plugins.txt" ||
  { echo "FAIL: matthews not loaded from $prefix/lib/ftlab/plugins"; exit 1; }
echo "out-of-tree build, install and discovery: ok"
