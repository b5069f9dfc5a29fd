// Helpers shared by the casework views. Private to the casework module.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "casework/casework.h"

namespace kuzot::casework {

// Calls `fn` with every live record of `type` the caller may see that
// matches `filters` (as on the list API), page by page.
Status ForEachRecord(records::RecordService& records, const Caller& caller, const std::string& type,
                     const std::vector<std::pair<std::string, std::string>>& filters,
                     const std::function<Status(const Json&)>& fn);

// The string at `field`, or "".
std::string Str(const Json& object, const char* field);
bool Has(const Json& object, const char* field);

// Today (UTC) as YYYY-MM-DD.
std::string Today();
// Days from `from` to `to` (both YYYY-MM-DD); nullopt when one is not a day.
std::optional<int> DaysBetween(const std::string& from, const std::string& to);
// `date` + `days`, as YYYY-MM-DD; InvalidArgument (naming `field`) when
// `date` is not a day.
Result<std::string> AddDays(const std::string& date, int days, const std::string& field);

// The labels of vocabulary terms, loaded once per request.
class Labels {
 public:
  explicit Labels(records::RecordService& records);
  // {"en", "ru", "ky"} of the term, or the code itself in all three.
  Json Of(const std::string& vocabulary, const std::string& code) const;

 private:
  Json vocabularies_;
};

// Display titles of records by id, fetched as `caller` sees them and kept
// for the request; "" when the caller may not see the record.
class Titles {
 public:
  Titles(records::RecordService& records, const Caller& caller)
      : records_(records), caller_(caller) {}
  std::string Of(const std::string& type, const std::string& id);
  // The record itself (null when not visible).
  const Json& Record(const std::string& type, const std::string& id);

 private:
  records::RecordService& records_;
  const Caller& caller_;
  std::map<std::string, Json> cache_;
};

}  // namespace kuzot::casework
