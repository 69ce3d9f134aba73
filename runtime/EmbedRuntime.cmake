# Writes a C++ source holding every runtime kernel header as a string, so the
# xnorc binary can paste kernels into generated code without locating files.
# Inputs: ROOT (runtime/include/xnorc/runtime), OUT (the .cpp to write).
file(GLOB_RECURSE headers RELATIVE "${ROOT}" "${ROOT}/*.h")
list(SORT headers)
set(body "// Generated from runtime/include/xnorc/runtime by EmbedRuntime.cmake.\n")
string(APPEND body "#include \"compiler/Support/EmbeddedRuntime.h\"\n#include <cstring>\n\n")
string(APPEND body "namespace xnorc {\nnamespace {\nstruct Entry { const char *Path; const char *Text; };\n")
string(APPEND body "const Entry Entries[] = {\n")
foreach(h IN LISTS headers)
  file(READ "${ROOT}/${h}" text)
  string(APPEND body "  {\"${h}\", R\"xnorc_rt(${text})xnorc_rt\"},\n")
endforeach()
string(APPEND body "};\n} // namespace\n\n")
string(APPEND body "const char *embeddedRuntimeSource(const char *Path) {\n")
string(APPEND body "  for (const Entry &E : Entries)\n    if (std::strcmp(E.Path, Path) == 0)\n      return E.Text;\n  return nullptr;\n}\n} // namespace xnorc\n")
file(WRITE "${OUT}.tmp" "${body}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
