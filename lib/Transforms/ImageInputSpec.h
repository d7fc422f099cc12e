//===- ImageInputSpec.h - --image-input NAME=FORMAT,mean=...,std=... ------===//
//
// An input the app feeds with a pixel buffer: uint8, interleaved, rows of
// pixels ([N, H, W, bytes per pixel]), converted by the compiled function
// itself to what the model takes (float32 [N, C, H, W]):
//   value[c] = (pixel[c] * scale - mean[c]) / std[c]
// in the model's channel order (RGB for rgb8/bgr8/rgba8/bgra8: BGR buffers
// are swapped and alpha dropped; one channel for gray8).
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_LIB_TRANSFORMS_IMAGEINPUTSPEC_H
#define COREAI_LIB_TRANSFORMS_IMAGEINPUTSPEC_H

#include <string>
#include <vector>

namespace coreai {

struct ImageInputSpec {
  std::string input;             // the model input's name
  std::string format;            // rgb8, bgr8, rgba8, bgra8, gray8
  std::vector<double> mean, std; // one per model channel (default 0 and 1)
  double scale = 1.0 / 255;      // applied to each pixel byte first

  /// Channels of the model's input (3, or 1 for gray8).
  int modelChannels() const { return format == "gray8" ? 1 : 3; }
  /// Bytes per pixel in the buffer.
  int pixelBytes() const {
    return format == "gray8" ? 1 : format.size() == 5 ? 4 : 3;
  }
  /// The buffer channel holding model channel `c`.
  int bufferChannel(int c) const {
    return format.rfind("bgr", 0) == 0 ? 2 - c : c;
  }
};

/// Parses "NAME=FORMAT[,mean=A:B:C][,std=A:B:C][,scale=K]" (the value of
/// --image-input; ';' may separate the fields instead of ','). On failure
/// returns false with `error` saying what is wrong.
bool parseImageInputSpec(const std::string &text, ImageInputSpec &spec,
                         std::string &error);

} // namespace coreai

#endif // COREAI_LIB_TRANSFORMS_IMAGEINPUTSPEC_H
