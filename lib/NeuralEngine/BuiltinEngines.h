//===- BuiltinEngines.h - The engines of targets/ane, built in ------------===//
//
// coreai-build --ane-arch NAME picks one of the descriptions shipped in
// targets/ane (compiled into the binary, so an installed compiler needs no
// data files) or reads a description from a .json path.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_RUNTIME_ANE_BUILTINENGINES_H
#define COREAI_RUNTIME_ANE_BUILTINENGINES_H

#include "lib/NeuralEngine/EngineDescription.h"

#include <string>
#include <vector>

namespace coreai::runtime::ane {

/// The names of the built-in engines, sorted.
std::vector<std::string> builtinEngineNames();

/// The engine `nameOrPath` names: a built-in engine, or a description file
/// when it ends in ".json". On failure returns false with a one-line
/// `error` (unknown name with the known ones, unreadable file, bad field).
bool loadEngineDescription(const std::string &nameOrPath,
                           EngineDescription &out, std::string &error);

/// The engine the compiler uses when no --ane-arch is given.
inline constexpr const char *kDefaultEngine = "ane-16c-4mb";

} // namespace coreai::runtime::ane

#endif // COREAI_RUNTIME_ANE_BUILTINENGINES_H
