# coreai_add_model(): compile a model into an .aimodel bundle as a build step.
#
#   coreai_add_model(NAME SOURCE model.onnx
#                    [TARGETS cpu gpu ane] [CPU_ARCHS x86-64 x86-64-v3 ...]
#                    [SHAPES name=DxD ...] [STATES input=output ...]
#                    [CONSTANTS name=value.pb ...]
#                    [OUTPUT path.aimodel] [OPTIONS more coreai-build flags]
#                    [EMBED])
#
# Makes a custom command that runs `coreai-build compile` and a target NAME
# that others can depend on; sets NAME_BUNDLE (and the target's COREAI_BUNDLE
# property) to the bundle's path, by default ${CMAKE_CURRENT_BINARY_DIR}/
# NAME.aimodel. The command depends on the model, the --constant files and
# the compiler; the depfile coreai-build writes (--depfile) adds what only
# the compiler knows, such as the model's external data files, so the bundle
# is rebuilt when any of them changes and never otherwise.
#
# EMBED makes NAME a static library holding the bundle as read-only data,
# 64-byte aligned, with a header NAME.h declaring
#   extern const unsigned char coreai_model_NAME[];
#   extern const size_t coreai_model_NAME_size;
# (NAME with characters other than [A-Za-z0-9_] as '_'), to open with
# ModelAsset::openMemory(coreai_model_NAME, coreai_model_NAME_size).
#
# The compiler: COREAI_BUILD_EXECUTABLE if set, else the coreai-build target
# of this build (in-tree, add_subdirectory) or of find_package(CoreAI), else
# coreai-build on PATH.
include_guard(GLOBAL)
if(CMAKE_VERSION VERSION_LESS 3.20)
  message(FATAL_ERROR "coreai_add_model needs CMake 3.20 or newer (DEPFILE "
                      "with every generator); this is ${CMAKE_VERSION}")
endif()
# Depfile paths as Ninja and Make expect them, whatever the app's minimum
# CMake version (functions keep the policies of their definition).
if(POLICY CMP0116)
  cmake_policy(SET CMP0116 NEW)
endif()

function(_coreai_find_compiler out_command out_depends)
  if(COREAI_BUILD_EXECUTABLE)
    set(${out_command} "${COREAI_BUILD_EXECUTABLE}" PARENT_SCOPE)
    set(${out_depends} "${COREAI_BUILD_EXECUTABLE}" PARENT_SCOPE)
  elseif(TARGET coreai-build)
    set(${out_command} "$<TARGET_FILE:coreai-build>" PARENT_SCOPE)
    set(${out_depends} coreai-build PARENT_SCOPE)
  elseif(TARGET CoreAI::coreai-build)
    set(${out_command} "$<TARGET_FILE:CoreAI::coreai-build>" PARENT_SCOPE)
    set(${out_depends} "$<TARGET_FILE:CoreAI::coreai-build>" PARENT_SCOPE)
  else()
    find_program(COREAI_BUILD_PROGRAM coreai-build)
    if(NOT COREAI_BUILD_PROGRAM)
      message(FATAL_ERROR
        "coreai_add_model: no compiler: this CoreAI package is runtime-only "
        "and coreai-build is not on PATH; set COREAI_BUILD_EXECUTABLE")
    endif()
    set(${out_command} "${COREAI_BUILD_PROGRAM}" PARENT_SCOPE)
    set(${out_depends} "${COREAI_BUILD_PROGRAM}" PARENT_SCOPE)
  endif()
endfunction()

function(coreai_add_model name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "EMBED" "SOURCE;OUTPUT"
                        "TARGETS;CPU_ARCHS;SHAPES;STATES;CONSTANTS;OPTIONS")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "coreai_add_model(${name}): unknown arguments: "
                        "${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT ARG_SOURCE)
    message(FATAL_ERROR "coreai_add_model(${name}): SOURCE is required")
  endif()
  get_filename_component(source "${ARG_SOURCE}" ABSOLUTE
                         BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(ARG_OUTPUT)
    get_filename_component(output "${ARG_OUTPUT}" ABSOLUTE
                           BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
  else()
    set(output "${CMAKE_CURRENT_BINARY_DIR}/${name}.aimodel")
  endif()

  _coreai_find_compiler(compiler compiler_depends)
  set(args compile "${source}" -o "${output}" --depfile "${output}.d" -q)
  if(ARG_TARGETS)
    string(REPLACE ";" "," targets "${ARG_TARGETS}")
    list(APPEND args --target "${targets}")
  endif()
  if(ARG_CPU_ARCHS)
    string(REPLACE ";" "," archs "${ARG_CPU_ARCHS}")
    list(APPEND args --cpu-arch "${archs}")
  endif()
  foreach(shape IN LISTS ARG_SHAPES)
    list(APPEND args --shape "${shape}")
  endforeach()
  foreach(state IN LISTS ARG_STATES)
    list(APPEND args --state "${state}")
  endforeach()
  set(constant_files "")
  foreach(constant IN LISTS ARG_CONSTANTS)
    if(NOT constant MATCHES "^([^=]+)=(.+)$")
      message(FATAL_ERROR "coreai_add_model(${name}): CONSTANTS expects "
                          "NAME=FILE.pb, got '${constant}'")
    endif()
    get_filename_component(file "${CMAKE_MATCH_2}" ABSOLUTE
                           BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND args --constant "${CMAKE_MATCH_1}=${file}")
    list(APPEND constant_files "${file}")
  endforeach()
  list(APPEND args ${ARG_OPTIONS})

  get_filename_component(source_name "${source}" NAME)
  add_custom_command(
    OUTPUT "${output}"
    COMMAND ${compiler} ${args}
    DEPENDS "${source}" ${constant_files} ${compiler_depends}
    DEPFILE "${output}.d"
    COMMENT "Compiling model ${name} (${source_name})"
    VERBATIM)

  if(ARG_EMBED)
    string(MAKE_C_IDENTIFIER "${name}" cname)
    set(symbol "coreai_model_${cname}")
    set(gen "${CMAKE_CURRENT_BINARY_DIR}/${name}_embed")
    file(CONFIGURE OUTPUT "${gen}/${name}.h" @ONLY CONTENT
"/* Generated by coreai_add_model(${name} ... EMBED). */
#ifndef COREAI_EMBEDDED_${cname}_H
#define COREAI_EMBEDDED_${cname}_H
#include <stddef.h>
#ifdef __cplusplus
extern \"C\" {
#endif
/* The bundle's bytes, 64-byte aligned: ModelAsset::openMemory(${symbol},
   ${symbol}_size) or coreai_asset_open_memory in the C API. */
extern const unsigned char ${symbol}[];
extern const size_t ${symbol}_size;
#ifdef __cplusplus
}
#endif
#endif
")
    # .incbin reads the bundle at assembly time: no giant C array to parse.
    # Top-level asm is C and C++ alike: the file is compiled as whichever
    # the app enabled.
    get_property(languages GLOBAL PROPERTY ENABLED_LANGUAGES)
    if("C" IN_LIST languages)
      set(data "${gen}/${name}_data.c")
    else()
      set(data "${gen}/${name}_data.cpp")
    endif()
    file(CONFIGURE OUTPUT "${data}" @ONLY CONTENT
"/* Generated by coreai_add_model(${name} ... EMBED): ${output} */
#include \"${name}.h\"
#if defined(__APPLE__)
#define COREAI_SYM(s) \"_\" #s
#define COREAI_LOCAL(s) \"L\" #s
#define COREAI_RODATA \".section __TEXT,__const\\n\"
#define COREAI_OBJECT(s, size) \"\"
#define COREAI_PREVIOUS \".text\\n\"
#else
#define COREAI_SYM(s) #s
#define COREAI_LOCAL(s) \".L\" #s
#define COREAI_RODATA \".pushsection .rodata,\\\"a\\\"\\n\"
/* Typed and sized, so that copy relocations copy all of it. */
#define COREAI_OBJECT(s, size) \".type \" #s \",@object\\n.size \" #s \",\" size \"\\n\"
#define COREAI_PREVIOUS \".popsection\\n\"
#endif
__asm__(COREAI_RODATA
        \".balign 64\\n\"
        \".globl \" COREAI_SYM(${symbol}) \"\\n\"
        COREAI_SYM(${symbol}) \":\\n\"
        \".incbin \\\"${output}\\\"\\n\"
        COREAI_LOCAL(${symbol}_end) \":\\n\"
        COREAI_OBJECT(${symbol}, COREAI_LOCAL(${symbol}_end) \" - \" COREAI_SYM(${symbol}))
        \".balign 8\\n\"
        \".globl \" COREAI_SYM(${symbol}_size) \"\\n\"
        COREAI_SYM(${symbol}_size) \":\\n\"
        \".quad \" COREAI_LOCAL(${symbol}_end) \" - \" COREAI_SYM(${symbol}) \"\\n\"
        COREAI_OBJECT(${symbol}_size, \"8\")
        COREAI_PREVIOUS);
")
    set_source_files_properties("${data}" PROPERTIES OBJECT_DEPENDS "${output}")
    add_library(${name} STATIC "${data}" "${output}")
    target_include_directories(${name} PUBLIC "$<BUILD_INTERFACE:${gen}>")
  else()
    add_custom_target(${name} ALL DEPENDS "${output}")
  endif()
  set_target_properties(${name} PROPERTIES COREAI_BUNDLE "${output}")
  set(${name}_BUNDLE "${output}" PARENT_SCOPE)
endfunction()
