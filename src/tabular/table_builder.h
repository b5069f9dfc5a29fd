// Internal: turns raw rows (the first one the header) into a checked Table.
// Shared by the CSV and XLSX readers so both refuse the same things with
// the same words.
#pragma once

#include <string>
#include <vector>

#include "tabular/tabular.h"

namespace kuzot::tabular {

class TableBuilder {
 public:
  TableBuilder(std::string name, bool pad_short_rows);

  // Adds the next non-blank row; the first becomes the header. After the
  // first error, further rows are ignored and status() reports it.
  void AddRow(std::vector<std::string> cells, int64_t row_number);
  const Status& status() const { return status_; }
  // The table, or InvalidArgument when the input had no header at all.
  Result<Table> Finish() &&;

 private:
  void SetHeader(std::vector<std::string> cells, int64_t row_number);

  Table table_;
  bool pad_short_rows_;
  bool have_header_ = false;
  Status status_;
};

}  // namespace kuzot::tabular
