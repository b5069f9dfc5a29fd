# Turns files into a C++ source defining `const std::vector<std::string_view> NAME`,
# one entry per file, in the order given.
# Usage: cmake -DINPUTS="a,b" -DOUTPUT=... -DNAME=... -P embed.cmake
string(REPLACE "," ";" INPUTS "${INPUTS}")
set(body "// Generated; do not edit.\n#include <string_view>\n#include <vector>\nnamespace kuzot::cli {\n")
set(views "")
set(index 0)
foreach(input ${INPUTS})
  file(READ ${input} content HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${content}")
  string(APPEND body "// ${input}\nstatic const char kData${index}[] = {${bytes} 0};\n")
  string(APPEND views "std::string_view(kData${index}, sizeof kData${index} - 1),\n")
  math(EXPR index "${index} + 1")
endforeach()
string(APPEND body "extern const std::vector<std::string_view> ${NAME}{\n${views}};\n}\n")
file(WRITE ${OUTPUT} "${body}")
