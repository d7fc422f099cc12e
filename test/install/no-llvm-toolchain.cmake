# A toolchain for checking that the runtime-only build needs no LLVM, MLIR,
# protobuf or ONNX: any find_package of them fails, and the LLVM prefix is
# ignored by every find_* command, as on a machine without LLVM installed.
foreach(package LLVM MLIR Protobuf ONNX Catch2)
  set(CMAKE_DISABLE_FIND_PACKAGE_${package} TRUE)
endforeach()
set(MLIR_DIR "MLIR_DIR-NOTFOUND" CACHE PATH "hidden" FORCE)
set(LLVM_DIR "LLVM_DIR-NOTFOUND" CACHE PATH "hidden" FORCE)
file(GLOB _coreai_llvm_prefixes /usr/lib/llvm-*)
list(APPEND CMAKE_IGNORE_PREFIX_PATH ${_coreai_llvm_prefixes})
list(APPEND CMAKE_IGNORE_PATH ${_coreai_llvm_prefixes})
