#include "casework/util.h"

#include <chrono>
#include <cstdio>

#include "common/clock.h"
#include "common/fuzzy_date.h"

namespace kuzot::casework {
namespace {

std::optional<std::chrono::sys_days> ParseDay(const std::string& date) {
  auto parsed = FuzzyDate::Parse(date);
  if (!parsed.ok() || parsed->precision != DatePrecision::kDay) return std::nullopt;
  return std::chrono::sys_days(std::chrono::year(parsed->year) /
                               std::chrono::month(static_cast<unsigned>(parsed->month)) /
                               std::chrono::day(static_cast<unsigned>(parsed->day)));
}

}  // namespace

Status ForEachRecord(records::RecordService& records, const Caller& caller, const std::string& type,
                     const std::vector<std::pair<std::string, std::string>>& filters,
                     const std::function<Status(const Json&)>& fn) {
  records::ListParams params;
  params.filters = filters;
  params.limit = 500;
  while (true) {
    KUZOT_ASSIGN_OR_RETURN(Json page, records.List(caller, type, params));
    for (const Json& item : page["items"]) KUZOT_RETURN_IF_ERROR(fn(item));
    if (page["next_cursor"].is_null()) return Status::Ok();
    params.cursor = page["next_cursor"].get<std::string>();
  }
}

std::string Str(const Json& object, const char* field) {
  if (!object.is_object()) return "";
  auto it = object.find(field);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool Has(const Json& object, const char* field) {
  return object.is_object() && object.contains(field) && !object[field].is_null();
}

std::string Today() { return NowIso8601().substr(0, 10); }

std::optional<int> DaysBetween(const std::string& from, const std::string& to) {
  auto a = ParseDay(from);
  auto b = ParseDay(to);
  if (!a || !b) return std::nullopt;
  return static_cast<int>((*b - *a).count());
}

Result<std::string> AddDays(const std::string& date, int days, const std::string& field) {
  auto day = ParseDay(date);
  if (!day) return Status::InvalidArgument("must be a day (YYYY-MM-DD)", field);
  std::chrono::year_month_day ymd(*day + std::chrono::days(days));
  char out[16];
  std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return std::string(out);
}

Labels::Labels(records::RecordService& records) {
  auto all = records.Vocabularies();
  vocabularies_ = all.ok() ? all.value() : Json::object();
}

Json Labels::Of(const std::string& vocabulary, const std::string& code) const {
  if (vocabularies_.contains(vocabulary)) {
    for (const Json& term : vocabularies_[vocabulary]) {
      if (term["code"] == code) return term["labels"];
    }
  }
  return {{"en", code}, {"ru", code}, {"ky", code}};
}

const Json& Titles::Record(const std::string& type, const std::string& id) {
  auto it = cache_.find(id);
  if (it == cache_.end()) {
    auto found = records_.Get(caller_, type, id);
    it = cache_.emplace(id, found.ok() ? found.value() : Json()).first;
  }
  return it->second;
}

std::string Titles::Of(const std::string& type, const std::string& id) {
  const Json& record = Record(type, id);
  return record.is_null() ? "" : records::DisplayTitle(type, record);
}

}  // namespace kuzot::casework

namespace kuzot::casework {

CaseworkService::CaseworkService(records::RecordService& records) : records_(records) {}

}  // namespace kuzot::casework
