//===- NDArray.h - Dense tensors passed to and from inference -------------===//
//
// An NDArray is a dtype, a static shape and dense row-major storage. Storage
// is either owned (64-byte aligned, zero-filled, shared between copies like a
// numpy array: copying an NDArray does not copy its elements, clone() does)
// or a view of memory the caller keeps alive.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_NDARRAY_H
#define COREAI_NDARRAY_H

#include "coreai/DType.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace coreai::runtime {

class NDArray {
public:
  /// An empty array (dtype Undefined, no storage).
  NDArray() = default;
  /// Allocates zero-filled, 64-byte aligned storage. Throws AssetError
  /// (InvalidArgument) for negative dims or dtypes without a fixed size.
  NDArray(DType dtype, std::vector<int64_t> shape);
  /// A view of `data`, which must hold the whole tensor and outlive the view.
  static NDArray view(DType dtype, std::vector<int64_t> shape, void *data);

  DType dtype() const { return dtype_; }
  const std::vector<int64_t> &shape() const { return shape_; }
  size_t rank() const { return shape_.size(); }
  uint64_t elementCount() const { return count_; }
  uint64_t byteSize() const { return count_ * dtypeSize(dtype_); }
  bool isView() const { return data_ && !storage_; }

  void *data() { return data_; }
  const void *data() const { return data_; }
  template <typename T> T *dataAs() { return static_cast<T *>(data_); }
  template <typename T> const T *dataAs() const {
    return static_cast<const T *>(data_);
  }

  /// A deep copy with owned storage.
  NDArray clone() const;

private:
  DType dtype_ = DType::Undefined;
  std::vector<int64_t> shape_;
  uint64_t count_ = 0;
  std::shared_ptr<void> storage_; // null for views
  void *data_ = nullptr;
};

} // namespace coreai::runtime

#endif // COREAI_NDARRAY_H
