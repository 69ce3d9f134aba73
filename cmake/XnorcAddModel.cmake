# XnorcAddModel.cmake: xnorc_add_model(), compiling an ONNX model into a static library.
#
# Used in two places:
#  - inside xnorc's own tree (included by the top-level CMakeLists.txt), where it runs the
#    `xnorc` target built by that same tree;
#  - by downstream projects through find_package(xnorc CONFIG), where it runs the installed
#    executable, the imported target `xnorc::xnorc`.
#
#   xnorc_add_model(<target>
#                   MODEL <file.onnx|.onnxtext|.xir>
#                   [TARGET <xnorc target>]       # default: generic
#                   [NAME <c identifier>]         # default: <target> made into a C identifier
#                   [OPTIONS <xnorc flags>...])   # extra flags, e.g. --binarize=weights
#
# Adds a custom command that runs
#   xnorc <model> -o ${CMAKE_CURRENT_BINARY_DIR}/<target>_xnorc --name <name> --target <t> --quiet ...
# producing <name>.h and <name>.cpp there, and a STATIC library <target> built from them whose
# PUBLIC include directory is that output directory (so `#include "<name>.h"` works for anything
# linking <target>). The command reruns when the model file or the xnorc executable changes.
# See docs/CMake.md.

include_guard(GLOBAL)

# Compile options each xnorc target needs for the code it emits (PRIVATE to the model library).
# generic is portable C++17 and needs none. Targets using ISA extensions (avx2, avx512, ...)
# enable them with function attributes inside the generated code, so they need none either; a
# target that ever does need flags gets a variable XNORC_TARGET_COMPILE_OPTIONS_<target> here.
set(XNORC_TARGET_COMPILE_OPTIONS_generic "")

# The targets xnorc has, to reject a wrong TARGET when configuring rather than building. Inside
# xnorc's tree they come from targets/Targets.def; the installed package config sets the list
# before including this file.
if(NOT DEFINED XNORC_KNOWN_TARGETS AND EXISTS "${CMAKE_CURRENT_LIST_DIR}/../targets/Targets.def")
  set(_xnorc_targets_def "${CMAKE_CURRENT_LIST_DIR}/../targets/Targets.def")
  file(STRINGS "${_xnorc_targets_def}" _xnorc_target_lines REGEX "^[ \t]*XNORC_TARGET\\(\"")
  set(XNORC_KNOWN_TARGETS "")
  foreach(_xnorc_line IN LISTS _xnorc_target_lines)
    string(REGEX REPLACE "^[ \t]*XNORC_TARGET\\(\"([^\"]*)\".*" "\\1" _xnorc_line "${_xnorc_line}")
    list(APPEND XNORC_KNOWN_TARGETS "${_xnorc_line}")
  endforeach()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${_xnorc_targets_def}")
  unset(_xnorc_targets_def)
  unset(_xnorc_target_lines)
  unset(_xnorc_line)
endif()

function(xnorc_add_model target)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "MODEL;TARGET;NAME" "OPTIONS")

  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "xnorc_add_model(${target}): unexpected arguments: ${ARG_UNPARSED_ARGUMENTS}"
                        " (expected MODEL <file>, TARGET <name>, NAME <c identifier>, OPTIONS <flags>...)")
  endif()
  foreach(kw IN LISTS ARG_KEYWORDS_MISSING_VALUES)
    if(NOT kw STREQUAL "OPTIONS") # OPTIONS ${maybe_empty_list} is fine
      message(FATAL_ERROR "xnorc_add_model(${target}): ${kw} given without a value")
    endif()
  endforeach()
  if(NOT ARG_MODEL)
    message(FATAL_ERROR "xnorc_add_model(${target}): MODEL <file.onnx|.onnxtext|.xir> is required")
  endif()
  if(TARGET ${target})
    message(FATAL_ERROR "xnorc_add_model(${target}): a target named '${target}' already exists")
  endif()

  # The model: absolute, relative paths taken from the calling CMakeLists.txt's directory.
  get_filename_component(model "${ARG_MODEL}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(NOT model MATCHES "\\.(onnx|onnxtext|xir)$")
    message(FATAL_ERROR "xnorc_add_model(${target}): MODEL '${ARG_MODEL}' is not a .onnx, "
                        ".onnxtext or .xir file")
  endif()
  if(NOT EXISTS "${model}")
    # A model produced by another custom command of this build is fine.
    get_source_file_property(model_generated "${model}" GENERATED)
    if(NOT model_generated)
      message(FATAL_ERROR "xnorc_add_model(${target}): MODEL '${ARG_MODEL}' does not exist "
                          "(looked for ${model})")
    endif()
  endif()

  set(xtarget generic)
  if(DEFINED ARG_TARGET)
    set(xtarget "${ARG_TARGET}")
  endif()
  if(XNORC_KNOWN_TARGETS AND NOT xtarget IN_LIST XNORC_KNOWN_TARGETS)
    string(REPLACE ";" ", " known "${XNORC_KNOWN_TARGETS}")
    message(FATAL_ERROR "xnorc_add_model(${target}): unknown TARGET '${xtarget}' "
                        "(xnorc's targets: ${known})")
  endif()

  if(DEFINED ARG_NAME)
    set(name "${ARG_NAME}")
  else()
    # As xnorc's own default: one '_' between words, none at the ends, a letter first.
    string(MAKE_C_IDENTIFIER "${target}" name)
    string(REGEX REPLACE "__+" "_" name "${name}")
    string(REGEX REPLACE "^_|_$" "" name "${name}")
    if(NOT name MATCHES "^[A-Za-z]")
      set(name "m_${name}")
    endif()
  endif()
  # xnorc's --name rule (compiler/Support/CSource.h, checkModelName): a letter, then letters,
  # digits and single '_' (no reserved 'x__run' or '_X_H'), at most 64 characters.
  string(LENGTH "${name}" name_length)
  if(NOT name MATCHES "^[A-Za-z]([A-Za-z0-9]|_[A-Za-z0-9])*$" OR name_length GREATER 64)
    message(FATAL_ERROR "xnorc_add_model(${target}): NAME '${name}' is not a C identifier "
                        "xnorc accepts (a letter, then letters, digits and single '_', at most "
                        "64 characters)")
  endif()

  # The xnorc executable: the one this tree builds, else the installed package's.
  if(TARGET xnorc)
    set(xnorc_exe xnorc)
  elseif(TARGET xnorc::xnorc)
    set(xnorc_exe xnorc::xnorc)
  else()
    message(FATAL_ERROR "xnorc_add_model(${target}): no xnorc executable: neither a target "
                        "'xnorc' nor 'xnorc::xnorc' exists (call find_package(xnorc CONFIG REQUIRED) "
                        "first)")
  endif()

  set(outdir "${CMAKE_CURRENT_BINARY_DIR}/${target}_xnorc")
  set(header "${outdir}/${name}.h")
  set(source "${outdir}/${name}.cpp")
  get_filename_component(model_file "${model}" NAME)

  # xnorc writes both files or neither, and exits 1 after printing `MODEL: error: ...`, which
  # fails the build. The old outputs are removed first, so after a failed run neither a stale
  # nor a partial pair is left behind (and the next build retries).
  add_custom_command(
    OUTPUT "${header}" "${source}"
    COMMAND "${CMAKE_COMMAND}" -E rm -f "${header}" "${source}"
    COMMAND "$<TARGET_FILE:${xnorc_exe}>" "${model}" -o "${outdir}" --name "${name}"
            --target "${xtarget}" --quiet ${ARG_OPTIONS}
    DEPENDS "${model}" "$<TARGET_FILE:${xnorc_exe}>"
    COMMENT "xnorc: compiling ${model_file} for ${target} (target ${xtarget})"
    VERBATIM)

  add_library(${target} STATIC "${header}" "${source}")
  target_include_directories(${target} PUBLIC "$<BUILD_INTERFACE:${outdir}>")
  target_compile_features(${target} PUBLIC cxx_std_17)
  if(DEFINED XNORC_TARGET_COMPILE_OPTIONS_${xtarget})
    target_compile_options(${target} PRIVATE ${XNORC_TARGET_COMPILE_OPTIONS_${xtarget}})
  endif()
  set_target_properties(${target} PROPERTIES
    XNORC_MODEL "${model}"
    XNORC_NAME "${name}"
    XNORC_TARGET "${xtarget}"
    XNORC_HEADER "${header}")
endfunction()
