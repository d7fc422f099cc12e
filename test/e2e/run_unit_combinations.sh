#!/usr/bin/env bash
# One model compiled once for every unit (--target cpu,gpu,ane) runs
# correctly whatever units the app allows: --compute cpu (the CPU alone),
# gpu (the CPU and the GPU), ane (the CPU and the engine) and all. Each run
# compares every output with its reference: fp32 tolerances where no engine
# step ran, the engine's fp16 ones (../shared/models/README.md) where one did;
# the placement must use only allowed units.
#   run_unit_combinations.sh MODEL_DIR WORK_DIR
# Exits 77 (ctest: skipped) when MODEL_DIR does not exist.
set -euo pipefail
model_dir=$1 work=$2
bin=${COREAI_BIN:?COREAI_BIN must point at the folder with coreai-build}
if [ ! -d "$model_dir" ]; then
  echo "SKIPPED: $model_dir not found (../shared is not beside this clone)"
  exit 77
fi
mkdir -p "$work"
"$bin/coreai-build" compile "$model_dir/model.onnx" -o "$work/model.aimodel" \
  --target cpu,gpu,ane
"$bin/coreai-build" inspect "$work/model.aimodel" | grep -E '^  schedule'

data="$model_dir/test_data_set_0"
for compute in cpu gpu ane all; do
  tol=(--atol 1e-4 --rtol 1e-3)
  case $compute in ane | all) tol=(--atol 1e-2 --rtol 1e-2) ;; esac
  run=("$bin/coreai-run" "$work/model.aimodel" --compute "$compute" --no-cache
       "${tol[@]}" --benchmark 1)
  for f in "$data"/input_*.pb; do run+=(--input "$f"); done
  for f in "$data"/output_*.pb; do run+=(--expect "$f"); done
  echo "+ ${run[*]}"
  "${run[@]}" | tee "$work/$compute.out"
  placement=$(tail -1 "$work/$compute.out" | sed -n 's/.*"placement":"\([^"]*\)".*/\1/p')
  # The steps that ran (the part before any note on skipped schedules).
  steps=${placement%% (*}
  no_gpu='(^|[^0-9])0 gpu'
  case $compute in
    cpu) [[ $steps != *ane* ]] && { [[ $steps != *gpu* ]] || [[ $steps =~ $no_gpu ]]; } ;;
    gpu) [[ $steps != *ane* ]] ;;
    ane) [[ $steps != *gpu* ]] || [[ $steps =~ $no_gpu ]] ;;
    all) true ;;
  esac || { echo "FAIL: --compute $compute ran on a unit it does not allow: $placement"; exit 1; }
  echo "ok: --compute $compute: $placement"
done
