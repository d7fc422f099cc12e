//===- AssetError.cpp -----------------------------------------------------===//
#include "coreai/AssetError.h"

namespace coreai::runtime {

const char *codeName(AssetError::Code code) {
  switch (code) {
  case AssetError::Code::NotFound: return "not found";
  case AssetError::Code::Corrupt: return "corrupt";
  case AssetError::Code::Unsupported: return "unsupported";
  case AssetError::Code::InvalidArgument: return "invalid argument";
  case AssetError::Code::Internal: return "internal error";
  case AssetError::Code::Untrusted:
    return "untrusted";
  }
  return "unknown";
}

} // namespace coreai::runtime
