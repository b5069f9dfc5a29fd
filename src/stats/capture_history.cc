// Capture-history tables: reading them from a table of 0/1 columns,
// building them from people and their lists, exporting them for HRDAG's R
// packages, and the warnings about what they can carry.
#include <algorithm>
#include <bit>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "stats/estimate.h"

namespace kuzot::stats {
namespace {

constexpr int kMaxLists = 30;  // patterns are 32-bit masks

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::string JoinStrata(const std::vector<std::string>& values) {
  if (values.empty()) return "all";
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += " / ";
    out += values[i];
  }
  return out;
}

// Finds `name` in the header: exact first, then without regard to case.
int FindColumn(const std::vector<std::string>& header, const std::string& name) {
  for (size_t i = 0; i < header.size(); ++i)
    if (Trim(header[i]) == name) return static_cast<int>(i);
  const std::string lower = Lower(name);
  for (size_t i = 0; i < header.size(); ++i)
    if (Lower(Trim(header[i])) == lower) return static_cast<int>(i);
  return -1;
}

std::string CellOf(const std::vector<std::string>& row, int column) {
  return column < static_cast<int>(row.size()) ? Trim(row[column]) : std::string();
}

// Accepts 0/1 and the spellings R and spreadsheets write for them.
bool ParseFlag(const std::string& text, bool* value) {
  const std::string t = Lower(text);
  if (t == "1" || t == "1.0" || t == "true" || t == "yes") {
    *value = true;
    return true;
  }
  if (t == "0" || t == "0.0" || t == "false" || t == "no") {
    *value = false;
    return true;
  }
  return false;
}

bool ParseCount(const std::string& text, std::int64_t* value) {
  std::string t = text;
  // Spreadsheets write whole numbers as "12.0".
  if (t.size() > 2 && t.compare(t.size() - 2, 2, ".0") == 0) t.resize(t.size() - 2);
  if (t.empty()) return false;
  auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), *value);
  return ec == std::errc() && ptr == t.data() + t.size();
}

Status CheckLists(const std::vector<std::string>& lists, const std::string& where) {
  if (lists.size() < 2)
    return Status::InvalidArgument(
        where + ": " + std::to_string(lists.size()) +
        " list(s); multiple systems estimation needs at least two lists (three or more to "
        "test how they depend on each other). A single list cannot tell how many it missed.");
  if (lists.size() > kMaxLists)
    return Status::InvalidArgument(where + ": " + std::to_string(lists.size()) +
                                   " lists; at most " + std::to_string(kMaxLists) +
                                   " are supported");
  return Status::Ok();
}

Status CheckNotEmpty(const std::vector<Stratum>& strata, const std::string& where) {
  std::int64_t total = 0;
  for (const Stratum& s : strata) total += s.history.Observed();
  if (total == 0)
    return Status::InvalidArgument(where +
                                   ": no one is recorded on any list; there is nothing to "
                                   "estimate from");
  return Status::Ok();
}

}  // namespace

std::int64_t CaptureHistory::Observed() const {
  std::int64_t n = 0;
  for (const auto& [pattern, count] : cells) n += count;
  return n;
}

std::int64_t CaptureHistory::Count(std::uint32_t pattern) const {
  auto it = cells.find(pattern);
  return it == cells.end() ? 0 : it->second;
}

std::vector<std::int64_t> CaptureHistory::ListTotals() const {
  std::vector<std::int64_t> totals(lists.size(), 0);
  for (const auto& [pattern, count] : cells)
    for (size_t j = 0; j < lists.size(); ++j)
      if (pattern & (1u << j)) totals[j] += count;
  return totals;
}

Result<std::vector<Stratum>> ReadCaptureHistories(const tabular::Table& table,
                                                  const HistoryColumns& columns) {
  const std::string file = table.name.empty() ? std::string("input") : table.name;
  if (table.header.empty())
    return Status::InvalidArgument(file + ": the file is empty (no header row)");

  // Stratum columns.
  std::vector<int> strata_columns;
  for (const std::string& name : columns.strata) {
    int c = FindColumn(table.header, name);
    if (c < 0)
      return Status::InvalidArgument(file + ", row 1: no column \"" + name + "\" to stratify by");
    strata_columns.push_back(c);
  }
  const int count_column =
      columns.count_column.empty() ? -1 : FindColumn(table.header, columns.count_column);

  // List columns.
  std::vector<int> list_columns;
  std::vector<std::string> list_names;
  if (!columns.lists.empty()) {
    for (const std::string& name : columns.lists) {
      int c = FindColumn(table.header, name);
      if (c < 0) return Status::InvalidArgument(file + ", row 1: no list column \"" + name + "\"");
      list_columns.push_back(c);
      list_names.push_back(Trim(table.header[c]));
    }
  } else {
    for (size_t c = 0; c < table.header.size(); ++c) {
      if (static_cast<int>(c) == count_column) continue;
      if (std::find(strata_columns.begin(), strata_columns.end(), static_cast<int>(c)) !=
          strata_columns.end())
        continue;
      std::string name = Trim(table.header[c]);
      if (name.empty())
        return Status::InvalidArgument(file + ", row 1, column " + std::to_string(c + 1) +
                                       ": a list column without a name");
      list_columns.push_back(static_cast<int>(c));
      list_names.push_back(name);
    }
  }
  for (size_t i = 0; i < list_names.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (list_names[i] == list_names[j])
        return Status::InvalidArgument(file + ", row 1: the list column \"" + list_names[i] +
                                       "\" appears twice");
  KUZOT_RETURN_IF_ERROR(CheckLists(list_names, file + ", row 1"));
  if (table.rows.empty()) return Status::InvalidArgument(file + ": no data rows after the header");

  std::map<std::vector<std::string>, Stratum> by_stratum;
  for (size_t r = 0; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    bool blank =
        std::all_of(row.begin(), row.end(), [](const std::string& s) { return Trim(s).empty(); });
    if (blank) continue;
    std::uint32_t pattern = 0;
    for (size_t j = 0; j < list_columns.size(); ++j) {
      const std::string text = CellOf(row, list_columns[j]);
      bool on = false;
      if (!ParseFlag(text, &on))
        return Status::InvalidArgument(
            table.Where(r, list_columns[j]) + ": \"" + text +
                "\" is not 0 or 1 (each list column says whether the person is on that list)",
            list_names[j]);
      if (on) pattern |= 1u << j;
    }
    std::int64_t count = 1;
    if (count_column >= 0) {
      const std::string text = CellOf(row, count_column);
      const std::string name = Trim(table.header[count_column]);
      if (!ParseCount(text, &count))
        return Status::InvalidArgument(
            table.Where(r, count_column) + ": \"" + text + "\" is not a whole number", name);
      if (count < 0)
        return Status::InvalidArgument(table.Where(r, count_column) + ": negative count " + text,
                                       name);
    }
    if (pattern == 0) {
      if (count > 0)
        return Status::InvalidArgument(
            table.Where(r) +
            ": a row on no list with a positive count; the number of people on no list is "
            "what is being estimated and cannot be given");
      continue;
    }
    std::vector<std::string> key;
    for (int c : strata_columns) key.push_back(CellOf(row, c));
    Stratum& s = by_stratum[key];
    if (s.history.lists.empty()) {
      s.values = key;
      s.label = JoinStrata(key);
      s.history.lists = list_names;
    }
    if (count > 0) s.history.cells[pattern] += count;
  }
  std::vector<Stratum> out;
  for (auto& [key, s] : by_stratum) out.push_back(std::move(s));
  if (out.empty()) {
    Stratum s;
    s.label = "all";
    s.history.lists = list_names;
    out.push_back(std::move(s));
  }
  KUZOT_RETURN_IF_ERROR(CheckNotEmpty(out, file));
  return out;
}

Result<std::vector<Stratum>> BuildCaptureHistories(const std::vector<std::string>& lists,
                                                   const std::vector<Membership>& people,
                                                   std::int64_t* skipped) {
  KUZOT_RETURN_IF_ERROR(CheckLists(lists, "capture histories"));
  std::map<std::vector<std::string>, Stratum> by_stratum;
  std::int64_t none = 0;
  for (const Membership& m : people) {
    std::uint32_t pattern = 0;
    for (int j : m.lists) {
      if (j < 0 || j >= static_cast<int>(lists.size()))
        return Status::Internal("list index out of range in capture histories");
      pattern |= 1u << j;
    }
    if (pattern == 0 || m.count <= 0) {
      none += std::max<std::int64_t>(m.count, 0);
      continue;
    }
    Stratum& s = by_stratum[m.strata];
    if (s.history.lists.empty()) {
      s.values = m.strata;
      s.label = JoinStrata(m.strata);
      s.history.lists = lists;
    }
    s.history.cells[pattern] += m.count;
  }
  if (skipped) *skipped = none;
  std::vector<Stratum> out;
  for (auto& [key, s] : by_stratum) out.push_back(std::move(s));
  KUZOT_RETURN_IF_ERROR(CheckNotEmpty(out, "capture histories"));
  return out;
}

namespace {

// The header shared by the exports: [stratum,] lists...
std::vector<std::string> ExportHeader(const std::vector<Stratum>& strata, bool with_stratum) {
  std::vector<std::string> header;
  if (with_stratum) header.push_back("stratum");
  if (!strata.empty())
    for (const auto& l : strata.front().history.lists) header.push_back(l);
  return header;
}

bool Stratified(const std::vector<Stratum>& strata) {
  return strata.size() > 1 || (strata.size() == 1 && !strata.front().values.empty());
}

std::vector<std::string> PatternCells(const Stratum& s, bool with_stratum, std::uint32_t pattern) {
  std::vector<std::string> row;
  if (with_stratum) row.push_back(s.label);
  for (int j = 0; j < s.history.num_lists(); ++j) row.push_back((pattern >> j) & 1u ? "1" : "0");
  return row;
}

}  // namespace

tabular::Table DgaTable(const std::vector<Stratum>& strata) {
  tabular::Table t;
  const bool with_stratum = Stratified(strata);
  t.header = ExportHeader(strata, with_stratum);
  t.header.push_back("count");
  for (const Stratum& s : strata) {
    const std::uint32_t cells = 1u << s.history.num_lists();
    // R arrays are column-major: the first index (first list) varies
    // fastest, which is the bit order of our patterns.
    for (std::uint32_t p = 0; p < cells; ++p) {
      auto row = PatternCells(s, with_stratum, p);
      row.push_back(std::to_string(s.history.Count(p)));
      t.rows.push_back(std::move(row));
    }
  }
  return t;
}

tabular::Table LcmcrTable(const std::vector<Stratum>& strata) {
  tabular::Table t;
  const bool with_stratum = Stratified(strata);
  t.header = ExportHeader(strata, with_stratum);
  for (const Stratum& s : strata)
    for (const auto& [pattern, count] : s.history.cells)
      for (std::int64_t i = 0; i < count; ++i)
        t.rows.push_back(PatternCells(s, with_stratum, pattern));
  return t;
}

tabular::Table PatternTable(const std::vector<Stratum>& strata) {
  tabular::Table t;
  const bool with_stratum = Stratified(strata);
  t.header = ExportHeader(strata, with_stratum);
  t.header.push_back("count");
  for (const Stratum& s : strata)
    for (const auto& [pattern, count] : s.history.cells) {
      auto row = PatternCells(s, with_stratum, pattern);
      row.push_back(std::to_string(count));
      t.rows.push_back(std::move(row));
    }
  return t;
}

Status CheckCanEstimate(const CaptureHistory& h) {
  const int k = h.num_lists();
  if (k < 2)
    return Status::InvalidArgument(
        std::to_string(k) +
        " list(s): multiple systems estimation needs at least two lists; a single list cannot "
        "tell how many it missed");
  if (h.Observed() == 0) return Status::InvalidArgument("no one is recorded on any list");
  const auto totals = h.ListTotals();
  std::string empty;
  for (int j = 0; j < k; ++j)
    if (totals[j] == 0) empty += (empty.empty() ? "\"" : ", \"") + h.lists[j] + "\"";
  if (!empty.empty())
    return Status::InvalidArgument("list(s) " + empty +
                                   " record no one: leave them out (--lists) and estimate from "
                                   "the others");
  std::int64_t overlapping = 0;
  for (const auto& [pattern, count] : h.cells)
    if (std::popcount(pattern) > 1) overlapping += count;
  if (overlapping == 0)
    return Status::InvalidArgument(
        "no one is on more than one list: lists that never overlap cannot tell how many "
        "people they all missed");
  return Status::Ok();
}

std::vector<std::string> DataWarnings(const CaptureHistory& h) {
  std::vector<std::string> w;
  const int k = h.num_lists();
  if (k < 3)
    w.push_back("only " + std::to_string(k) +
                " lists: the estimate assumes the lists are independent, which two lists "
                "cannot test; use three or more lists");
  const auto totals = h.ListTotals();
  for (int j = 0; j < k; ++j) {
    if (totals[j] == 0)
      w.push_back("list \"" + h.lists[j] + "\" records no one; drop it");
    else if (totals[j] < 10)
      w.push_back("list \"" + h.lists[j] + "\" records only " + std::to_string(totals[j]) +
                  " people (fewer than 10): estimates will be unstable");
  }
  for (int j = 0; j < k; ++j) {
    if (totals[j] == 0) continue;
    std::int64_t overlap = 0;
    for (const auto& [pattern, count] : h.cells)
      if ((pattern & (1u << j)) && (pattern & ~(1u << j))) overlap += count;
    if (overlap == 0)
      w.push_back("list \"" + h.lists[j] +
                  "\" shares no one with any other list: nothing links it to the others, so "
                  "its people tell nothing about who was missed");
  }
  if (k <= 16) {
    const std::uint32_t cells = (1u << k) - 1;
    std::int64_t empty = 0, tiny = 0;
    for (std::uint32_t p = 1; p <= cells; ++p) {
      std::int64_t c = h.Count(p);
      if (c == 0)
        ++empty;
      else if (c < 5)
        ++tiny;
    }
    if (empty > 0)
      w.push_back(std::to_string(empty) + " of the " + std::to_string(cells) +
                  " patterns of lists are empty: models with many interactions cannot be "
                  "estimated from them");
    if (tiny > 0)
      w.push_back(std::to_string(tiny) + " of the " + std::to_string(cells) +
                  " patterns of lists hold fewer than 5 people: estimates that lean on them "
                  "are fragile");
  }
  const std::int64_t n = h.Observed();
  if (n > 0 && n < 50)
    w.push_back("only " + std::to_string(n) +
                " people are recorded in all: intervals will be wide and the models hard to "
                "tell apart");
  return w;
}

}  // namespace kuzot::stats
