//===- OnnxNodeName.h - The name an ONNX node is known by -----------------===//
//
// Diagnostics, debug tensors and coreai-debug's ONNX Runtime reference all
// name nodes this way; header-only, so tools that read ONNX without the
// importer (and MLIR) name them the same.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_LIB_IMPORT_ONNXNODENAME_H
#define COREAI_LIB_IMPORT_ONNXNODENAME_H

#include "onnx/onnx_pb.h"

#include <string>

namespace coreai {

/// Its name; unnamed, its first output; else "OpType_<index in its graph>".
inline std::string onnxNodeName(const onnx::NodeProto &n, size_t index) {
  if (!n.name().empty())
    return n.name();
  if (n.output_size() && !n.output(0).empty())
    return n.output(0);
  return n.op_type() + "_" + std::to_string(index);
}

} // namespace coreai

#endif
