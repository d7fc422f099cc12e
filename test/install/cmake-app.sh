#!/usr/bin/env bash
# The build integration, as an app's build uses it (ctest install.cmake-app):
#  1. cmake --install into a temporary prefix;
#  2. examples/cmake-app against that prefix alone: configures, builds,
#     classifies 8 of 8 digits; a second build is a no-op; touching the
#     model re-runs exactly the model step (and what embeds its bundle), not
#     the app's sources; touching the compiler or the model's external
#     data re-runs the model step; with Make too;
#  3. the C API through pkg-config (coreai.pc): examples/digits-c;
#  4. the runtime from the sources (add_subdirectory, COREAI_RUNTIME_ONLY)
#     with LLVM hidden by a toolchain: configures, builds and classifies,
#     and the app links those libraries and no LLVM.
# Usage: cmake-app.sh BUILD_DIR WORK_DIR
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../.." && pwd)
build=$(cd "$1" && pwd)
work=$2
rm -rf "$work" && mkdir -p "$work"
work=$(cd "$work" && pwd)
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "--- $*"; }

step "install into $work/prefix"
cmake --install "$build" --prefix "$work/prefix" >"$work/install.log"
for f in bin/coreai-build bin/coreai-run include/coreai/ModelAsset.h \
         include/coreai/coreai.h lib/cmake/CoreAI/CoreAIConfig.cmake \
         lib/cmake/CoreAI/CoreAIModels.cmake lib/pkgconfig/coreai.pc \
         lib/libcoreai-runtime-cpu.a lib/libcoreai.so; do
  [ -e "$work/prefix/$f" ] || fail "the package has no $f"
done
# Public headers only: nothing that names the source tree's layout.
if grep -l '#include "lib/' "$work/prefix/include/coreai/"*; then
  fail "an installed header includes an internal one"
fi
"$work/prefix/bin/coreai-build" --version

# The model and samples in a copy, so that touching them leaves the clone be.
cp -r "$src/examples/digits" "$work/digits"
# Only the prefix: no compiler on PATH, no package registry.
export PATH=/usr/local/bin:/usr/bin:/bin
cmake_app() { # BUILD_DIR EXTRA_ARGS...
  local dir=$1; shift
  cmake -S "$src/examples/cmake-app" -B "$dir" -G Ninja \
        -DCMAKE_BUILD_TYPE=Release -DDIGITS_DIR="$work/digits" \
        -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF "$@" >"$dir.configure.log" \
    || { cat "$dir.configure.log"; fail "configure $dir"; }
}

step "examples/cmake-app against the installed package"
app=$work/app
cmake_app "$app" -DCMAKE_PREFIX_PATH="$work/prefix"
grep -q "CoreAI_DIR:PATH=$work/prefix/lib/cmake/CoreAI" "$app/CMakeCache.txt" \
  || fail "find_package(CoreAI) did not use the installed package"
cmake --build "$app"
"$app/cmake-app" | tee "$work/app.out"
grep -qx "8 of 8 correct" "$work/app.out" || fail "cmake-app did not classify 8 of 8"

step "a second build is a no-op"
ninja -C "$app" -n | tee "$work/noop.out"
grep -q "no work to do" "$work/noop.out" || fail "the second build is not a no-op"

step "touching the model re-runs the model step, not the app's sources"
sleep 1
touch "$work/digits/model.onnx"
ninja -C "$app" -n -d explain >"$work/touch.out" 2>&1 || true
cat "$work/touch.out"
[ "$(grep -c 'Compiling model digits' "$work/touch.out")" = 1 ] \
  || fail "the model step does not re-run once"
if grep -E 'main\.cpp|public_headers\.c' "$work/touch.out" | grep -v explain; then
  fail "touching the model recompiles the app's sources"
fi
cmake --build "$app" >/dev/null
ninja -C "$app" -n | grep -q "no work to do" || fail "not a no-op after it"

# Touches FILE; the next build must re-run the model step. Then builds.
touch_reruns_model() { # FILE WHAT
  sleep 1
  touch "$1"
  ninja -C "$app" -n >"$work/touched.out"
  grep -q 'Compiling model digits' "$work/touched.out" \
    || fail "a new $2 does not re-run the model step"
  cmake --build "$app" >/dev/null
}

step "touching the compiler re-runs the model step"
touch_reruns_model "$work/prefix/bin/coreai-build" compiler
"$app/cmake-app" | grep -qx "8 of 8 correct" || fail "after the rebuild"

step "touching the model's external data re-runs the model step"
# The digits model with its weights in digits/model.data, as ONNX stores
# models over 2 GB: the depfile coreai-build writes names that file.
"$build/bin/onnx-external-data" "$work/digits/model.onnx" \
  -o "$work/digits/external.onnx" --location model.data
mv "$work/digits/external.onnx" "$work/digits/model.onnx"
cmake --build "$app" >/dev/null
"$app/cmake-app" | grep -qx "8 of 8 correct" || fail "with external data"
grep -q "digits/model.data" "$app/digits.aimodel.d" \
  || fail "the depfile does not name the external data"
ninja -C "$app" -n | grep -q "no work to do" || fail "not a no-op"
touch_reruns_model "$work/digits/model.data" "external data file"

step "Make reads the depfile too"
mk=$work/app-make
cmake -S "$src/examples/cmake-app" -B "$mk" -G "Unix Makefiles" \
      -DCMAKE_BUILD_TYPE=Release -DDIGITS_DIR="$work/digits" \
      -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
      -DCMAKE_PREFIX_PATH="$work/prefix" >"$mk.configure.log" \
  || { cat "$mk.configure.log"; fail "configure with Make"; }
cmake --build "$mk" >/dev/null
"$mk/cmake-app" | grep -qx "8 of 8 correct" || fail "the Make build"
cmake --build "$mk" >"$work/make-again.out"
if grep -q 'Compiling model' "$work/make-again.out"; then
  fail "a second Make build re-runs the model step"
fi
sleep 1
touch "$work/digits/model.data"
cmake --build "$mk" >"$work/make-data.out"
grep -q 'Compiling model digits' "$work/make-data.out" \
  || fail "Make does not re-run the model step for new external data"

step "the C API through pkg-config"
export PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig"
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror $(pkg-config --cflags coreai) \
   "$src/examples/digits-c/classify.c" -o "$work/digits-c" \
   $(pkg-config --libs coreai)
LD_LIBRARY_PATH="$work/prefix/lib" "$work/digits-c" "$app/digits.aimodel" \
  "$work/digits/samples.npy" "$work/digits/labels.npy" | tail -1 \
  | grep -qx "8 of 8 correct" || fail "the C API app through coreai.pc"

step "the runtime from the sources, runtime only, LLVM hidden"
rt=$work/app-runtime-only
cmake_app "$rt" --toolchain "$here/no-llvm-toolchain.cmake" \
  -DCOREAI_SOURCE_DIR="$src" \
  -DCOREAI_BUILD_EXECUTABLE="$work/prefix/bin/coreai-build"
grep -q "MLIR_DIR:PATH=MLIR_DIR-NOTFOUND" "$rt/CMakeCache.txt" \
  || fail "the runtime-only configure found MLIR"
cmake --build "$rt" >/dev/null
"$rt/cmake-app" | tail -1 | grep -qx "8 of 8 correct" \
  || fail "the runtime-only app"
grep -q "coreai/lib/libcoreai-runtime-cpu.a" "$rt/build.ninja" \
  || fail "the app does not link the runtime built beside it"
if ldd "$rt/cmake-app" | grep -Ei "llvm|mlir|protobuf|onnx"; then
  fail "the runtime-only app links LLVM, MLIR, protobuf or ONNX"
fi
echo "PASS"
