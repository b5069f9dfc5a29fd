// Cross-field rules and derived fields of the casework record types (see
// TypeRules in records/schema.h). Private to the records module.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/status.h"

namespace kuzot::records {

using Json = nlohmann::ordered_json;

// case: representatives, deadlines as days, dates in order; `status` is the
// latest entry of `status_log`, and setting another status appends a dated
// entry (today).
Status DeriveCase(Json& body);
// consultation: `date` defaults to today; `status` follows `case_id`.
Status DeriveConsultation(Json& body);
// recommendation: every assessment says who made it; `status` and
// `status_date` are the latest assessment's ("unknown" without any).
Status DeriveRecommendation(Json& body);
// statement: one text per language and version, each signatory once, a
// text before it is signed or published.
Status DeriveStatement(Json& body);
// statement: publishing is an action (POST .../publish); published texts
// are kept as they were (a correction is a new version).
Status GuardStatement(const Json& before, const Json& after, bool by_server);
// mission: dates in order, visits within them.
Status DeriveMission(Json& body);
// submission: once sent, what it included cannot change.
Status DeriveSubmission(Json& body);
// submission: it leaves "draft" only through the send action.
Status GuardSubmission(const Json& before, const Json& after, bool by_server);

// The title lists and search results show for a casework record, when the
// type has no title field.
std::optional<std::string> CaseworkTitle(const std::string& type, const Json& record);

// Today's date as YYYY-MM-DD (UTC).
std::string TodayIso();

}  // namespace kuzot::records
