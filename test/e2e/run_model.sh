#!/usr/bin/env bash
# End-to-end check of one model folder (model.onnx + test_data_set_*/):
# compile with coreai-build, run every data set with coreai-run on UNIT (cpu
# or gpu), compare each output with its reference (fp32 tolerances). On the
# GPU it also checks the run's trace: every convolution and matrix product
# ran on the GPU.
#   run_model.sh MODEL_DIR "NAME=SHAPE[ NAME=SHAPE...]" WORK_DIR [UNIT]
# Exits 77 (ctest: skipped) when MODEL_DIR does not exist.
set -euo pipefail
model_dir=$1 shapes=$2 work=$3 unit=${4:-cpu}
bin=${COREAI_BIN:?COREAI_BIN must point at the folder with coreai-build}

if [ ! -d "$model_dir" ]; then
  echo "SKIPPED: $model_dir not found (../shared is not beside this clone)"
  exit 77
fi
mkdir -p "$work"
args=()
for s in $shapes; do args+=(--shape "$s"); done
"$bin/coreai-build" compile "$model_dir/model.onnx" -o "$work/model.aimodel" \
  --target "$unit" "${args[@]}"

if [ "$unit" = gpu ]; then
  # Every SPIR-V module of the bundle must pass the Vulkan 1.1 validator.
  rm -rf "$work/executables"
  "$bin/coreai-run" "$work/model.aimodel" --dump-executables "$work/executables" > /dev/null
  n=0
  for f in "$work"/executables/*.spv; do
    [ -e "$f" ] || continue
    spirv-val --target-env vulkan1.1 "$f"
    n=$((n + 1))
  done
  echo "spirv-val: $n SPIR-V modules valid"
  [ "$n" -gt 0 ] || { echo "no SPIR-V modules in a --target gpu bundle"; exit 1; }
fi

found=0
for data in "$model_dir"/test_data_set_*; do
  [ -d "$data" ] || continue
  found=1
  trace="$work/$(basename "$data").trace.json"
  run=("$bin/coreai-run" "$work/model.aimodel" --compute "$unit"
       --output-dir "$work/$(basename "$data")" --atol 1e-4 --rtol 1e-3
       --trace "$trace")
  for f in "$data"/input_*.pb; do run+=(--input "$f"); done
  for f in "$data"/output_*.pb; do run+=(--expect "$f"); done
  echo "+ ${run[*]}"
  "${run[@]}"
  if [ "$unit" != cpu ]; then
    python3 - "$trace" "$unit" <<'PY'
import json, sys
events = json.load(open(sys.argv[1]))["traceEvents"]
heavy = [e for e in events if e["name"] in ("Conv", "MatMul", "Gemm")]
elsewhere = [e for e in heavy if e["args"]["unit"] != sys.argv[2]]
units = {}
for e in events:
    units[e["args"]["unit"]] = units.get(e["args"]["unit"], 0) + 1
print("trace: %d dispatches (%s); %d Conv/MatMul/Gemm, %d not on %s" % (
    len(events), ", ".join("%s %d" % kv for kv in sorted(units.items())),
    len(heavy), len(elsewhere), sys.argv[2]))
if not heavy or elsewhere:
    sys.exit("convolutions and matrix products must all run on %s" % sys.argv[2])
PY
  fi
done
[ "$found" = 1 ] || { echo "no test_data_set_* in $model_dir"; exit 1; }
