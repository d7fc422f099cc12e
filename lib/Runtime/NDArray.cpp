//===- NDArray.cpp --------------------------------------------------------===//
#include "coreai/NDArray.h"

#include "coreai/AssetError.h"
#include "lib/Bundle/BundleFormat.h"
#include "lib/Bundle/Shape.h"

#include <cstdlib>
#include <cstring>
#include <new>

namespace coreai::runtime {
namespace {

uint64_t checkedBytes(DType dtype, const std::vector<int64_t> &shape) {
  uint64_t bytes;
  if (!bundle::byteSize(dtype, shape, bytes))
    throw AssetError(AssetError::Code::InvalidArgument,
                     "cannot make an array of " +
                         bundle::formatType(dtype, shape));
  return bytes;
}

} // namespace

NDArray::NDArray(DType dtype, std::vector<int64_t> shape)
    : dtype_(dtype), shape_(std::move(shape)) {
  uint64_t bytes = checkedBytes(dtype_, shape_);
  bundle::elementCount(shape_, count_);
  // Rounded up (aligned_alloc wants a multiple of the alignment) and never
  // zero, so even empty tensors have a valid, aligned address.
  uint64_t alloc = bundle::alignUp(bytes == 0 ? 1 : bytes, 64);
  if (alloc > SIZE_MAX)
    throw std::bad_alloc();
  void *p = std::aligned_alloc(64, static_cast<size_t>(alloc));
  if (!p)
    throw std::bad_alloc();
  std::memset(p, 0, static_cast<size_t>(alloc));
  storage_ = std::shared_ptr<void>(p, std::free);
  data_ = p;
}

NDArray NDArray::view(DType dtype, std::vector<int64_t> shape, void *data) {
  checkedBytes(dtype, shape);
  NDArray a;
  a.dtype_ = dtype;
  a.shape_ = std::move(shape);
  bundle::elementCount(a.shape_, a.count_);
  a.data_ = data;
  return a;
}

NDArray NDArray::clone() const {
  if (dtype_ == DType::Undefined)
    return NDArray();
  NDArray copy(dtype_, shape_);
  if (byteSize())
    std::memcpy(copy.data_, data_, static_cast<size_t>(byteSize()));
  return copy;
}

} // namespace coreai::runtime
