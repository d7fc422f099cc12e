//===- ImageInputSpec.cpp -------------------------------------------------===//
#include "lib/Transforms/ImageInputSpec.h"

#include <cmath>
#include <cstdlib>

namespace coreai {
namespace {

bool parseNumbers(const std::string &text, std::vector<double> &out) {
  out.clear();
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(':', start);
    std::string part = text.substr(start, end - start);
    char *stop = nullptr;
    double v = std::strtod(part.c_str(), &stop);
    if (part.empty() || *stop != 0 || !std::isfinite(v))
      return false;
    out.push_back(v);
    if (end == std::string::npos)
      break;
    start = end + 1;
  }
  return true;
}

} // namespace

bool parseImageInputSpec(const std::string &text, ImageInputSpec &spec,
                         std::string &error) {
  spec = ImageInputSpec();
  size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    error = "expected NAME=FORMAT[,mean=A:B:C][,std=A:B:C][,scale=K], got '" +
            text + "'";
    return false;
  }
  spec.input = text.substr(0, eq);
  std::vector<std::string> fields;
  // Fields are separated by ',' (or ';', which pass pipeline strings need:
  // their list options split at commas).
  for (size_t start = eq + 1;;) {
    size_t end = text.find_first_of(",;", start);
    fields.push_back(text.substr(start, end - start));
    if (end == std::string::npos)
      break;
    start = end + 1;
  }
  spec.format = fields.front();
  if (spec.format != "rgb8" && spec.format != "bgr8" &&
      spec.format != "rgba8" && spec.format != "bgra8" &&
      spec.format != "gray8") {
    error = "unknown pixel format '" + spec.format +
            "' (rgb8, bgr8, rgba8, bgra8, gray8)";
    return false;
  }
  size_t channels = spec.modelChannels();
  spec.mean.assign(channels, 0.0);
  spec.std.assign(channels, 1.0);
  for (size_t i = 1; i < fields.size(); ++i) {
    const std::string &f = fields[i];
    size_t at = f.find('=');
    std::string key = f.substr(0, at);
    std::string value = at == std::string::npos ? "" : f.substr(at + 1);
    std::vector<double> numbers;
    if ((key != "mean" && key != "std" && key != "scale") ||
        !parseNumbers(value, numbers)) {
      error = "'" + f + "' is not mean=A:B:C, std=A:B:C or scale=K";
      return false;
    }
    if (key == "scale") {
      if (numbers.size() != 1) {
        error = "scale takes one number, got '" + value + "'";
        return false;
      }
      spec.scale = numbers.front();
      continue;
    }
    if (numbers.size() == 1)
      numbers.assign(channels, numbers.front());
    if (numbers.size() != channels) {
      error = key + " needs " + std::to_string(channels) + " values for " +
              spec.format + ", got " + std::to_string(numbers.size());
      return false;
    }
    if (key == "std")
      for (double s : numbers)
        if (s == 0) {
          error = "std must not be 0";
          return false;
        }
    (key == "mean" ? spec.mean : spec.std) = numbers;
  }
  return true;
}

} // namespace coreai
