//===- OnnxWindows.cpp - Hann, Hamming and Blackman windows ---------------===//
//
// The window length decides the output shape, so it is a compile-time
// constant and the whole window is one: computed here in double precision.
//
//===----------------------------------------------------------------------===//
#include "lib/Import/OnnxImporter.h"

#include <cmath>

using namespace mlir;
using namespace coreai;
using namespace coreai::onnx_import;

namespace {

enum class Window { Hann, Hamming, Blackman };

template <Window W> LogicalResult importWindow(GraphImporter &g) {
  DenseElementsAttr sizeAttr = g.constantInput(0);
  if (!sizeAttr)
    return g.notConstant(0, "size", "it decides the output shape");
  if (sizeAttr.getNumElements() != 1)
    return g.error() << "size must hold one value";
  int64_t size = (*sizeAttr.getValues<APInt>().begin()).getSExtValue();
  if (size <= 0)
    return g.error() << "size must be positive, got " << size;
  auto et = g.elementType(g.intAttr("output_datatype", 1));
  if (failed(et))
    return failure();
  if (!isa<FloatType>(*et) && !isa<IntegerType>(*et))
    return g.error() << "output_datatype " << *et << " is not supported";
  bool periodic = g.intAttr("periodic", 1) != 0;
  double n = periodic ? (double)size : (double)(size - 1);
  SmallVector<Attribute> values;
  for (int64_t i = 0; i < size; ++i) {
    double a = n > 0 ? 2.0 * M_PI * (double)i / n : 0.0, v;
    if constexpr (W == Window::Hann)
      v = 0.5 - 0.5 * std::cos(a);
    else if constexpr (W == Window::Hamming)
      v = 25.0 / 46.0 - 21.0 / 46.0 * std::cos(a);
    else
      v = 0.42 - 0.5 * std::cos(a) + 0.08 * std::cos(2.0 * a);
    if (auto ft = dyn_cast<FloatType>(*et))
      values.push_back(FloatAttr::get(ft, v));
    else
      values.push_back(IntegerAttr::get(*et, (int64_t)v));
  }
  g.setOutput(0, g.constant(DenseElementsAttr::get(
                     RankedTensorType::get({size}, *et), values)));
  return success();
}

} // namespace

void coreai::onnx_import::populateWindowsImporters(OpImporterTable &table) {
  table["HannWindow"] = {importWindow<Window::Hann>, 1};
  table["HammingWindow"] = {importWindow<Window::Hamming>, 1};
  table["BlackmanWindow"] = {importWindow<Window::Blackman>, 1};
}
