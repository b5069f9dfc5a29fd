// Casework views and actions that the generic record API does not give:
// the deadlines across cases, consultation counts for reports, turning a
// consultation into a case, the recommendation dashboard and what changed
// since a date, publishing statements (and their public page and signatory
// lists), sending a submission with its contents frozen, and importing
// recommendations as the OHCHR Universal Human Rights Index exports them.
//
// Every view sees only what its caller may see (the record service checks
// confidentiality on every read); every action is one transaction.
//
// Thread safety: one CaseworkService serves all threads.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/caller.h"
#include "common/status.h"
#include "records/service.h"

namespace kuzot::tabular {
struct Table;
}

namespace kuzot::casework {

using Json = nlohmann::ordered_json;

struct DeadlineQuery {
  std::string as_of;  // YYYY-MM-DD; empty: today (UTC)
  int days = 30;      // the window after as_of, 0..3660
  bool include_overdue = true;
  std::string lawyer_id;  // only what this person (a lawyer) is responsible for
  std::string case_id;    // only this case
};

struct CountQuery {
  std::string from;  // YYYY-MM-DD, inclusive; empty: no lower bound
  std::string to;    // YYYY-MM-DD, inclusive; empty: no upper bound
  // The gazetteer level places are rolled up to: country, oblast, district.
  std::string region_level = "oblast";
};

struct DashboardQuery {
  // Record filters as on GET /api/v1/recommendations (issuing_body, themes,
  // sdgs, addressee_ids, state_position, year_from, year_to, ...).
  std::vector<std::pair<std::string, std::string>> filters;
  bool sdg_targets = false;  // count SDG targets, not goals
};

// A table to write as CSV or XLSX.
struct TableData {
  std::string name;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

// A file to hand to the user.
struct FileData {
  std::string filename;
  std::string content_type;
  std::string bytes;
};

struct ImportOptions {
  bool dry_run = false;  // check everything, write nothing
  // Organization ids the imported recommendations are addressed to.
  std::vector<std::string> addressee_ids;
  std::string confidentiality = "public";
};

class CaseworkService {
 public:
  // `records` must outlive the service.
  explicit CaseworkService(records::RecordService& records);

  // Open deadlines, upcoming hearings and follow-ups of cases,
  // consultations and submissions falling before as_of + days (and, when
  // include_overdue, the ones already past), soonest first.
  Result<Json> Deadlines(const Caller& caller, const DeadlineQuery& query);

  // Consultations of a period counted by problem category, region (places
  // rolled up the gazetteer), vulnerable group, sex, age group and month.
  Result<Json> ConsultationCounts(const Caller& caller, const CountQuery& query);

  // Makes a case of a consultation: a person for who came (when the
  // consultation has only a name), the case (its fields defaulted from the
  // consultation, `overrides` applied over them), and the consultation
  // linked to it. Conflict when it became a case already.
  Result<Json> ConvertConsultation(const Caller& caller, std::string_view id,
                                   const Json& overrides);

  // Recommendations counted by implementation status per issuing body,
  // theme, SDG, addressee and state position.
  Result<Json> RecommendationDashboard(const Caller& caller, const DashboardQuery& query);

  // Recommendations created, or whose assessments or status changed, since
  // `since` (YYYY-MM-DD or an ISO time), with their status then and now.
  Result<Json> RecommendationChanges(const Caller& caller, const std::string& since);

  // Publishes a statement: status "published", its published date (today
  // unless body.published_date), and public unless body.make_public is false.
  Result<Json> PublishStatement(const Caller& caller, std::string_view id, const Json& body);
  // A published, public statement as anyone may read it, with the named
  // signatories; NotFound for anything else.
  Result<Json> PublicStatement(std::string_view id);
  // Every published, public statement, newest first.
  Result<Json> PublicStatements();
  // The signatory list of a statement the caller may see.
  Result<TableData> Signatories(const Caller& caller, std::string_view id);
  // The same list as a "csv" (UTF-8 with a byte-order mark, for Excel) or
  // "xlsx" file.
  Result<FileData> SignatoriesFile(const Caller& caller, std::string_view id,
                                   const std::string& format);

  // Sends a submission: freezes the revision of every included record and
  // the SHA-256 of the package, sets status "sent" and date_sent (today
  // unless body.date_sent). Conflict when it was sent already.
  Result<Json> SendSubmission(const Caller& caller, std::string_view id, const Json& body);
  // What a sent submission contained, as it was sent (each record at its
  // frozen revision), and whether the package still hashes to what was sent.
  Result<Json> SubmissionPackage(const Caller& caller, std::string_view id);
  // Freezes the submissions that were loaded as already sent (demo data,
  // bundles) but carry no frozen package yet; returns how many.
  Result<int> FreezeRecordedSubmissions(const Caller& caller);

  // Imports recommendations from a table exported by the OHCHR Universal
  // Human Rights Index (columns in doc/casework.md). All or nothing: the
  // first bad cell gives an InvalidArgument naming file, row and column.
  // Rows already imported (same OHCHR annotation id) are skipped.
  Result<Json> ImportUhri(const Caller& caller, const tabular::Table& table,
                          const ImportOptions& options);
  // The same from the bytes of a CSV or XLSX file (told apart by content);
  // `name` is used in messages.
  Result<Json> ImportUhriFile(const Caller& caller, std::string_view bytes, const std::string& name,
                              const ImportOptions& options);

 private:
  records::RecordService& records_;
};

}  // namespace kuzot::casework
