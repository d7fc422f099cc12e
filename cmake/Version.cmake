# The version every tool prints with --version: the project version, the git
# commit of the source tree and the LLVM it was built with. The commit is
# read at build time (a configure would go stale at the next commit) into
# CoreAIVersion.inc, which is rewritten only when it changes so that a build
# with no new commit recompiles nothing.
if(COREAI_RUNTIME_ONLY)
  set(COREAI_LLVM_VERSION "none (runtime only)")
else()
  set(COREAI_LLVM_VERSION "${LLVM_PACKAGE_VERSION}")
endif()
set(COREAI_VERSION_INC ${PROJECT_BINARY_DIR}/include/coreai/CoreAIVersion.inc)
add_custom_target(coreai-version
  COMMAND ${CMAKE_COMMAND}
          -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
          -DOUTPUT=${COREAI_VERSION_INC}
          -DVERSION=${PROJECT_VERSION}
          "-DLLVM_VERSION=${COREAI_LLVM_VERSION}"
          -P ${PROJECT_SOURCE_DIR}/cmake/WriteVersion.cmake
  BYPRODUCTS ${COREAI_VERSION_INC}
  COMMENT "" VERBATIM)
