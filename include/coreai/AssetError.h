//===- AssetError.h - The one error type of the runtime API ---------------===//
//
// Every failure of the runtime API (opening, specializing, running) is an
// AssetError with a code a program can act on and a one-line message a person
// can act on.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_ASSETERROR_H
#define COREAI_ASSETERROR_H

#include <exception>
#include <string>

namespace coreai::runtime {

class AssetError : public std::exception {
public:
  enum class Code {
    NotFound,        // no such file, function or unit
    Corrupt,         // the bundle is damaged or inconsistent
    Unsupported,     // valid, but this runtime or host cannot do it
    InvalidArgument, // the caller passed something wrong (e.g. input shape)
    Internal,        // a failure of the runtime itself or the system
    Untrusted,       // the trust policy refuses it (Trust.h)
  };

  AssetError(Code code, std::string message)
      : code_(code), message_(std::move(message)) {}

  Code code() const noexcept { return code_; }
  const std::string &message() const noexcept { return message_; }
  const char *what() const noexcept override { return message_.c_str(); }

private:
  Code code_;
  std::string message_;
};

/// "not found", "corrupt", ... for logs.
const char *codeName(AssetError::Code code);

} // namespace coreai::runtime

#endif // COREAI_ASSETERROR_H
