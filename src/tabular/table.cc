#include <fstream>
#include <sstream>

#include "tabular/tabular.h"

namespace kuzot::tabular {

Result<Table> ReadFile(const std::string& path, const ReadOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument(path + ": cannot be opened for reading");
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  if (size > options.max_bytes) {
    return Status::TooLarge(path + ": is larger than the limit of " +
                            std::to_string(options.max_bytes) + " bytes");
  }
  in.seekg(0);
  std::string bytes(static_cast<size_t>(size), '\0');
  if (!in.read(bytes.data(), size)) return Status::InvalidArgument(path + ": cannot be read");
  // Told by content: an XLSX workbook is a ZIP archive.
  if (bytes.compare(0, 4, "PK\x03\x04") == 0) return ReadXlsx(bytes, path, options);
  return ReadCsv(bytes, path, options);
}

}  // namespace kuzot::tabular
