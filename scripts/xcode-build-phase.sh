#!/bin/bash
# An Xcode "Run Script" build phase that compiles models into .aimodel
# bundles (docs/build-integration.md has the step-by-step setup).
#
# Xcode passes, as environment variables:
#   SCRIPT_INPUT_FILE_COUNT, SCRIPT_INPUT_FILE_0..   the models (.onnx, .mlir)
#   SCRIPT_OUTPUT_FILE_COUNT, SCRIPT_OUTPUT_FILE_0.. the bundles, one per
#       model in the same order; when none are listed, each model goes to
#       $DERIVED_FILE_DIR/<model name>.aimodel
#   DERIVED_FILE_DIR   where the depfile goes: $DERIVED_FILE_DIR/
#       coreai-models.d, for the phase's "Dependency File" setting, so the
#       phase re-runs when a model's external data or the compiler changes
# and these build settings of ours, all optional:
#   COREAI_BUILD        the compiler (default: coreai-build on PATH)
#   COREAI_TARGETS      compute units (default: cpu)
#   COREAI_CPU_ARCHS    CPU variants (default: the compiler's)
#   COREAI_BUILD_FLAGS  more flags, e.g. "--shape image=1x3x224x224"
#
# Errors come out as "file:line: error: message", which Xcode shows inline
# in the issue navigator, and the phase fails (exit 1).
set -uo pipefail

compiler=${COREAI_BUILD:-coreai-build}
if ! command -v "$compiler" >/dev/null 2>&1; then
  echo "error: coreai-build not found ('$compiler'): set the COREAI_BUILD" \
       "build setting to the compiler's path" >&2
  exit 1
fi
inputs=${SCRIPT_INPUT_FILE_COUNT:-0}
outputs=${SCRIPT_OUTPUT_FILE_COUNT:-0}
if [ "$inputs" -eq 0 ]; then
  echo "error: coreai-build phase: no Input Files (add the models to the" \
       "phase's Input Files)" >&2
  exit 1
fi
if [ "$outputs" -ne 0 ] && [ "$outputs" -ne "$inputs" ]; then
  echo "error: coreai-build phase: $inputs Input Files but $outputs Output" \
       "Files (list one bundle per model, or none)" >&2
  exit 1
fi
derived=${DERIVED_FILE_DIR:-${TMPDIR:-/tmp}}
mkdir -p "$derived"

# coreai-build's one-line diagnostics, in the form Xcode parses:
#   model.onnx: node 'n' (Op, opset 13): error: m -> model.onnx:1: error: node 'n' (Op, opset 13): m
#   coreai-build: error: m                        -> MODEL:1: error: m
#   file: error: m                                -> file:1: error: m
# (ONNX has no line numbers: line 1 puts the issue on the file.)
to_xcode() { # MODEL < diagnostics
  local model=${1//\\/\\\\}
  model=${model//#/\\#}
  model=${model//&/\\&}
  sed -E \
    -e "s#^(.*): (node '[^']*'( \([^)]*\))?): (error|warning): (.*)\$#\1:1: \4: \2: \5#" \
    -e "s#^(.*): (node '[^']*'( \([^)]*\))?): remark: (.*)\$#\1:1: note: \2: \4#" \
    -e "s#^coreai-build: (error|warning): #$model:1: \1: #" \
    -e "/^[^ ]*:[0-9]+(:[0-9]+)?: /!s#^([^:]+): (error|warning): #\1:1: \2: #" >&2
}

# shellcheck disable=SC2206 # the flags are words, as Xcode's settings are
extra=(${COREAI_BUILD_FLAGS:-})
depfile="$derived/coreai-models.d"
: >"$depfile.tmp"
status=0
for ((i = 0; i < inputs; i++)); do
  var="SCRIPT_INPUT_FILE_$i"
  model=${!var}
  if [ "$outputs" -ne 0 ]; then
    var="SCRIPT_OUTPUT_FILE_$i"
    bundle=${!var}
  else
    name=$(basename "$model")
    bundle="$derived/${name%.*}.aimodel"
  fi
  mkdir -p "$(dirname "$bundle")"
  args=(compile "$model" -o "$bundle" --depfile "$derived/model-$i.d" -q)
  [ -n "${COREAI_TARGETS:-}" ] && args+=(--target "$COREAI_TARGETS")
  [ -n "${COREAI_CPU_ARCHS:-}" ] && args+=(--cpu-arch "$COREAI_CPU_ARCHS")
  log="$derived/model-$i.log"
  if "$compiler" "${args[@]}" ${extra[@]+"${extra[@]}"} 2>"$log"; then
    cat "$derived/model-$i.d" >>"$depfile.tmp"
  else
    status=1
  fi
  to_xcode "$model" <"$log"
  rm -f "$derived/model-$i.d" "$log"
done
if [ "$status" -eq 0 ]; then
  mv "$depfile.tmp" "$depfile"
else
  rm -f "$depfile.tmp" "$depfile"
fi
exit "$status"
