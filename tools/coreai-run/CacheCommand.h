//===- CacheCommand.h - coreai-run cache list|clear|remove
//-----------------===//
#ifndef COREAI_TOOLS_COREAI_RUN_CACHECOMMAND_H
#define COREAI_TOOLS_COREAI_RUN_CACHECOMMAND_H

namespace coreai::run {

/// `coreai-run cache ...` with argv[0] == "cache": lists, clears or removes
/// one bundle's entries of the model cache. Returns the exit status (0, 1 on
/// failure, 2 on a usage error); messages name the folder or bundle.
int cacheCommand(int argc, char **argv);

} // namespace coreai::run

#endif // COREAI_TOOLS_COREAI_RUN_CACHECOMMAND_H
