#!/usr/bin/env bash
# End-to-end check of one model folder (model.onnx + test_data_set_*/):
# compile with coreai-build, run every data set with coreai-run on UNIT (cpu,
# gpu or ane), compare each output with its reference (fp32 tolerances; fp16
# ones on the neural engine, as ../shared/models/README.md gives). It also
# checks the run's trace: on the GPU every convolution and matrix product
# ran there; on the neural engine (COREAI_ANE_ARCH, default ane-16c-4mb)
# every layer the engine description lists ran there; on the CPU every
# dispatch of the schedule has an event, and (COREAI_EXPECT_CONV=N) the
# trace names N distinct Conv nodes.
#   run_model.sh MODEL_DIR "NAME=SHAPE[ NAME=SHAPE...]" WORK_DIR [UNIT]
# Exits 77 (ctest: skipped) when MODEL_DIR does not exist.
set -euo pipefail
model_dir=$1 shapes=$2 work=$3 unit=${4:-cpu}
arch=${COREAI_ANE_ARCH:-ane-16c-4mb}
desc=$arch
[[ $arch == *.json ]] || desc="$(cd "$(dirname "$0")/../.." && pwd)/targets/ane/$arch.json"
bin=${COREAI_BIN:?COREAI_BIN must point at the folder with coreai-build}

if [ ! -d "$model_dir" ]; then
  echo "SKIPPED: $model_dir not found (../shared is not beside this clone)"
  exit 77
fi
mkdir -p "$work"
args=()
for s in $shapes; do args+=(--shape "$s"); done
tol=(--atol 1e-4 --rtol 1e-3)
if [ "$unit" = ane ]; then
  args+=(--ane-arch "$arch")
  tol=(--atol 1e-2 --rtol 1e-2)
fi
# Every op on UNIT where it can run there: this tests the unit's kernels
# (run_unit_combinations.sh tests the default, cost-based placement).
[ "$unit" = cpu ] || args+=(--placement preference)
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
       --output-dir "$work/$(basename "$data")" "${tol[@]}"
       --trace "$trace" --benchmark 1 --cache-dir "$work/model-cache")
  for f in "$data"/input_*.pb; do run+=(--input "$f"); done
  for f in "$data"/output_*.pb; do run+=(--expect "$f"); done
  echo "+ ${run[*]}"
  "${run[@]}" | tee "$work/run.out"
  python3 - "$trace" "$unit" "$desc" "$work/run.out" "${COREAI_EXPECT_CONV:-}" <<'PY'
import json, re, sys
events = [e for e in json.load(open(sys.argv[1]))["traceEvents"]
          if e["ph"] == "X"]
unit = sys.argv[2]
summary = json.loads(open(sys.argv[4]).read().strip().splitlines()[-1])
if unit == "ane":
    # The graph ops behind each layer kind of the engine description.
    layers = {"conv": ["Conv"], "matmul": ["Gemm"], "relu": ["Relu"],
              "clip": ["Clip"], "max_pool": ["MaxPool"],
              "avg_pool": ["AveragePool"],
              "global_avg_pool": ["GlobalAveragePool"],
              "softmax": ["Softmax"], "sigmoid": ["Sigmoid"],
              "concat": ["Concat"], "erf": ["Erf"],
              "layer_norm": ["LayerNormalization"],
              "batch_matmul": ["MatMul"], "transpose": ["Transpose"],
              "slice": ["Slice"]}
    desc = json.load(open(sys.argv[3]))
    names = {n for op in desc["ops"] for n in layers.get(op, [])}
else:
    names = {"Conv", "MatMul", "Gemm"}
if unit == "cpu":
    # One event per dispatch and worker that ran some of its workgroups.
    m = re.search(r"\((\d+) dispatches on (\d+) threads\)", summary["placement"])
    if not m:
        sys.exit("no CPU dispatch schedule: " + summary["placement"])
    # Steps of repeated layers may share a kernel: count steps.
    kernels = {e["args"]["step"] for e in events}
    workers = {e["tid"] for e in events}
    print("trace: %d events, %d distinct dispatches of %s, on %d worker tracks"
          % (len(events), len(kernels), m.group(1), len(workers)))
    if len(kernels) != int(m.group(1)):
        sys.exit("the trace has %d dispatches, the schedule %s"
                 % (len(kernels), m.group(1)))
# Every source node an event computes ("conv1 (Conv, opset 17); relu1
# (Relu, opset 17)" for a layer with a fused activation), with its unit.
import re
nodes = {}
for e in events:
    for node, kind in re.findall(r"([^;]+?) \(([A-Za-z]+)[,)]", e["args"]["source"]):
        nodes.setdefault((node.strip(), kind), set()).add(e["args"]["unit"])
heavy = [k for k in nodes if k[1] in names]
elsewhere = [k for k in heavy if nodes[k] != {unit}]
units = {}
for e in events:
    units[e["args"]["unit"]] = units.get(e["args"]["unit"], 0) + 1
print("trace: %d dispatches (%s); %d nodes of %s, %d not only on %s" % (
    len(events), ", ".join("%s %d" % kv for kv in sorted(units.items())),
    len(heavy), "/".join(sorted(names)), len(elsewhere), unit))
if not heavy or elsewhere:
    sys.exit("%s must all run on %s; not: %s" % (
        ", ".join(sorted(names)), unit,
        ", ".join("%s (%s)" % k for k in sorted(elsewhere)[:10])))
if sys.argv[5]:
    convs = sorted(k[0] for k in nodes if k[1] == "Conv")
    if len(convs) != int(sys.argv[5]):
        sys.exit("the trace names %d Conv nodes, the model has %s"
                 % (len(convs), sys.argv[5]))
PY
done
[ "$found" = 1 ] || { echo "no test_data_set_* in $model_dir"; exit 1; }
