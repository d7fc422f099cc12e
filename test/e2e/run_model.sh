#!/usr/bin/env bash
# End-to-end check of one model folder (model.onnx + test_data_set_*/):
# compile with coreai-build, run every data set with coreai-run on the CPU,
# compare each output with its reference (fp32 tolerances).
#   run_model.sh MODEL_DIR "NAME=SHAPE[ NAME=SHAPE...]" WORK_DIR
# Exits 77 (ctest: skipped) when MODEL_DIR does not exist.
set -euo pipefail
model_dir=$1 shapes=$2 work=$3
bin=${COREAI_BIN:?COREAI_BIN must point at the folder with coreai-build}

if [ ! -d "$model_dir" ]; then
  echo "SKIPPED: $model_dir not found (../shared is not beside this clone)"
  exit 77
fi
mkdir -p "$work"
args=()
for s in $shapes; do args+=(--shape "$s"); done
"$bin/coreai-build" compile "$model_dir/model.onnx" -o "$work/model.aimodel" \
  --target cpu "${args[@]}"

found=0
for data in "$model_dir"/test_data_set_*; do
  [ -d "$data" ] || continue
  found=1
  run=("$bin/coreai-run" "$work/model.aimodel" --compute cpu
       --output-dir "$work/$(basename "$data")" --atol 1e-4 --rtol 1e-3)
  for f in "$data"/input_*.pb; do run+=(--input "$f"); done
  for f in "$data"/output_*.pb; do run+=(--expect "$f"); done
  echo "+ ${run[*]}"
  "${run[@]}"
done
[ "$found" = 1 ] || { echo "no test_data_set_* in $model_dir"; exit 1; }
