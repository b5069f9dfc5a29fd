# Turns a file into a C++ source defining `const std::string_view NAME`.
# Usage: cmake -DINPUT=... -DOUTPUT=... -DNAME=... -P embed.cmake
file(READ ${INPUT} content HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${content}")
file(WRITE ${OUTPUT} "// Generated from ${INPUT}; do not edit.\n#include <string_view>\n"
  "namespace kuzot::cli {\nstatic const char kData[] = {${bytes} 0};\n"
  "extern const std::string_view ${NAME}(kData, sizeof kData - 1);\n}\n")
