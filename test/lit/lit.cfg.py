# -*- Python -*-
import os
import shutil

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "COREAI"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.coreai_obj_root)

llvm_config.use_default_substitutions()
# coreai-run keeps specialized code in $XDG_CACHE_HOME/coreai by default:
# tests keep theirs apart from the user's.
config.environment["XDG_CACHE_HOME"] = os.path.join(config.coreai_obj_root, "xdg-cache")
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

# ONNX test models are written as text protos next to the tests and encoded
# with protoc at test time, so they stay readable and reviewable.
onnx_proto_include = "/usr/include"
for candidate in ["/usr/include", "/usr/local/include"]:
    if os.path.exists(os.path.join(candidate, "onnx", "onnx.proto")):
        onnx_proto_include = candidate
        break
config.substitutions.append(
    ("%onnx-encode",
     "protoc --encode=onnx.ModelProto -I%s onnx/onnx.proto" % onnx_proto_include))
# Binary models back to text, for tests that edit a field with sed.
config.substitutions.append(
    ("%onnx-decode",
     "protoc --decode=onnx.ModelProto -I%s onnx/onnx.proto" % onnx_proto_include))
# Input and reference tensors for coreai-run, as TensorProto text protos.
config.substitutions.append(
    ("%onnx-tensor-encode",
     "protoc --encode=onnx.TensorProto -I%s onnx/onnx.proto" % onnx_proto_include))
# The repository's schemas, for decoding bundle parts with flatc.
config.substitutions.append(("%scripts", os.path.join(config.coreai_src_dir, "scripts")))
config.substitutions.append(("%examples", os.path.join(config.coreai_src_dir, "examples")))
config.substitutions.append(("%schemas", os.path.join(config.coreai_src_dir, "schemas")))
shared_dir = os.path.join(config.coreai_src_dir, "..", "shared")
config.substitutions.append(("%shared", shared_dir))
# Whole-model tests use ../shared/models when it is there (REQUIRES: shared-models).
if os.path.isdir(os.path.join(shared_dir, "models")):
    config.available_features.add("shared-models")

# The tools built with AddressSanitizer (scripts/test-sanitizers runs lit
# with --param asan=1): the sanitizers' options reach the tests, and the
# shadow memory needs terabytes of address space, so tests that bound the
# compiler's memory with `ulimit -v` (%limit-address-space) run unbounded.
if lit_config.params.get("asan"):
    config.available_features.add("asan")
    for var in ("ASAN_OPTIONS", "UBSAN_OPTIONS"):
        if var in os.environ:
            config.environment[var] = os.environ[var]
    config.substitutions.append(("%limit-address-space", ""))
else:
    config.substitutions.append(("%limit-address-space", "ulimit -v 2000000;"))

# GPU tests run through Vulkan (Mesa lavapipe in CI, installed by
# scripts/bootstrap.sh): REQUIRES: vulkan.
import glob
if os.environ.get("VK_ICD_FILENAMES") or glob.glob("/usr/share/vulkan/icd.d/*.json"):
    config.available_features.add("vulkan")

# The x86-64 CPU code variants this host runs (coreai-run --cpu-variant):
# `%if cpu-x86-64-v4 %{ ... %}` runs a line only where AVX-512 is there.
cpu_flags = set()
if os.path.exists("/proc/cpuinfo"):
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("flags"):
                cpu_flags = set(line.split(":", 1)[1].split())
                break
if {"avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe",
        "xsave"} <= cpu_flags:
    config.available_features.add("cpu-x86-64-v3")
    if {"avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"} <= cpu_flags:
        config.available_features.add("cpu-x86-64-v4")

# coreai-debug compare --reference ort needs Node.js and onnxruntime-node
# (scripts/bench installs it into build/bench; not a test dependency, so
# these tests are reported unsupported where it is absent, as in CI).
ort_dir = os.environ.get("COREAI_ORT_DIR") or os.path.join(
    os.path.dirname(config.coreai_tools_dir), "bench")
if shutil.which("node") and os.path.isdir(
        os.path.join(ort_dir, "node_modules", "onnxruntime-node")):
    config.available_features.add("onnxruntime")
    config.environment["COREAI_ORT_DIR"] = ort_dir

tool_dirs = [config.coreai_tools_dir, config.llvm_tools_dir]
# onnx-external-data is a test-only tool (test/tools).
tools = ["coreai-opt", "coreai-build", "coreai-run", "coreai-debug",
         "onnx-external-data"]
llvm_config.add_tool_substitutions(tools, tool_dirs)
