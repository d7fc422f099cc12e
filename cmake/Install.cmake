# cmake --install PREFIX lays out the package:
#   bin/                  coreai-run (and coreai-build unless runtime-only)
#   lib/                  the runtime: one static library per unit and their
#                         core, libcoreai.so (the C API, every unit)
#   include/coreai/       the public headers, nothing internal
#   lib/cmake/CoreAI/     CoreAIConfig.cmake (+ version), the imported
#                         targets and coreai_add_model()
#   lib/pkgconfig/        coreai.pc (the C API)
# Apps: find_package(CoreAI) then link CoreAI::runtime (every unit) or
# CoreAI::runtime-cpu / -gpu / -ane; CoreAI::c-api for libcoreai.so.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)
set(COREAI_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/CoreAI)

install(TARGETS coreai-bundle-reader coreai-runtime coreai-runtime-cpu
                coreai-runtime-vulkan coreai-ane-engines coreai-runtime-ane
                coreai-runtime-all coreai-tensorio coreai coreai-run
        EXPORT CoreAITargets
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT CoreAITargets NAMESPACE CoreAI::
        DESTINATION ${COREAI_CMAKE_DIR})
if(NOT COREAI_RUNTIME_ONLY)
  # Its own export set: a runtime-only package has no compiler, and its
  # config then finds one on PATH (or COREAI_BUILD_EXECUTABLE).
  install(TARGETS coreai-build EXPORT CoreAICompilerTargets
          RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  install(EXPORT CoreAICompilerTargets NAMESPACE CoreAI::
          DESTINATION ${COREAI_CMAKE_DIR})
endif()

# The public headers: the C++ API and the C API.
install(FILES
  include/coreai/AssetError.h
  include/coreai/ComputeStream.h
  include/coreai/ComputeUnit.h
  include/coreai/DType.h
  include/coreai/Executors.h
  include/coreai/ModelAsset.h
  include/coreai/ModelCache.h
  include/coreai/NDArray.h
  include/coreai/TensorIO.h
  include/coreai/Trust.h
  include/coreai/coreai.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/coreai)

configure_package_config_file(cmake/CoreAIConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cmake/CoreAIConfig.cmake
  INSTALL_DESTINATION ${COREAI_CMAKE_DIR})
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/cmake/CoreAIConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/cmake/CoreAIConfig.cmake
              ${PROJECT_BINARY_DIR}/cmake/CoreAIConfigVersion.cmake
              cmake/CoreAIModels.cmake
        DESTINATION ${COREAI_CMAKE_DIR})

# Relocatable: the prefix relative to the .pc file, wherever LIBDIR is
# (lib, lib64, lib/x86_64-linux-gnu).
file(RELATIVE_PATH COREAI_PC_TO_PREFIX
     "${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig" "${CMAKE_INSTALL_PREFIX}")
string(REGEX REPLACE "/$" "" COREAI_PC_TO_PREFIX "${COREAI_PC_TO_PREFIX}")
configure_file(cmake/coreai.pc.in ${PROJECT_BINARY_DIR}/coreai.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/coreai.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
