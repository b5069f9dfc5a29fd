// Reconciliation jobs: queued, run one at a time on the workbench's thread
// over the persons of the chosen lists, their output (doubtful pairs with
// explanations, clusters) kept in the linkage store.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <set>

#include "common/clock.h"
#include "linkage/workbench_impl.h"

namespace kuzot::linkage {
namespace {

// The review queue keeps at most this many pairs of a job.
constexpr size_t kMaxStoredPairs = 100000;

double NumberOr(const Json& request, const char* name, double fallback) {
  if (request.contains(name) && request[name].is_number()) return request[name].get<double>();
  return fallback;
}

Json ExplanationJson(const Explanation& e) {
  // Levels and weights only: the values compared are names and dates, and
  // they stay in the records (read with the reader's clearance).
  Json fields = Json::array();
  for (const auto& f : e.fields) {
    fields.push_back(
        {{"field", f.field}, {"level", f.level}, {"weight", f.weight}, {"tf_weight", f.tf_weight}});
  }
  Json out = {{"prior_weight", e.prior_weight},
              {"fields", std::move(fields)},
              {"weight", e.weight},
              {"probability", e.probability}};
  if (!e.decision.empty()) out["decision"] = e.decision;
  return out;
}

// The places of the database, as the gazetteer for place comparison.
std::vector<Place> Gazetteer(records::RecordService& records, const Caller& caller) {
  std::vector<Place> places;
  records::ListParams params;
  params.limit = 500;
  for (int page = 0; page < 200; ++page) {
    auto listed = records.List(caller, "place", params);
    if (!listed.ok()) break;
    for (const auto& item : (*listed)["items"]) {
      Place p;
      p.id = item.value("id", "");
      if (item.contains("name") && item["name"].is_string()) p.names.push_back(item["name"]);
      if (item.contains("other_names") && item["other_names"].is_array()) {
        for (const auto& n : item["other_names"]) {
          if (n.is_string()) p.names.push_back(n);
        }
      }
      p.level = item.value("level", "");
      if (item.contains("parent_id") && item["parent_id"].is_string())
        p.parent_id = item["parent_id"];
      places.push_back(std::move(p));
    }
    const Json& next = (*listed)["next_cursor"];
    if (!next.is_string()) break;
    params.cursor = next.get<std::string>();
  }
  return places;
}

}  // namespace

Result<std::unique_ptr<Workbench>> Workbench::Create(records::RecordService& records,
                                                     std::unique_ptr<storage::LinkageStore> store) {
  KUZOT_RETURN_IF_ERROR(store->FailUnfinishedJobs(
      "the server stopped before the job finished; start it again", NowIso8601()));
  auto workbench = std::make_unique<WorkbenchImpl>(records, std::move(store));
  KUZOT_ASSIGN_OR_RETURN(Json settled, workbench->SettleIntents());
  for (const auto& s : settled) {
    spdlog::warn("linkage: {} {} left by a stopped server was {}", s["kind"].get<std::string>(),
                 s["id"].get<std::string>(),
                 s["completed"].get<bool>() ? "completed" : "never written; dropped");
  }
  return std::unique_ptr<Workbench>(std::move(workbench));
}

WorkbenchImpl::WorkbenchImpl(records::RecordService& records,
                             std::unique_ptr<storage::LinkageStore> store)
    : records_(records), store_(std::move(store)) {
  worker_ = std::thread([this] { Worker(); });
}

WorkbenchImpl::~WorkbenchImpl() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  worker_.join();
}

void WorkbenchImpl::Worker() {
  for (;;) {
    Queued job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    auto row = store_->GetJob(job.job_id);
    if (!row.ok() || !row.value()) continue;
    storage::JobRow stored = **row;
    stored.state = "running";
    (void)store_->PutJob(stored);
    Status s;
    try {
      s = RunJob(job);
    } catch (const std::exception& e) {
      // A job never takes the server down with it.
      s = Status::Internal(std::string("the job stopped on an unexpected error: ") + e.what());
    }
    auto done = store_->GetJob(job.job_id);
    if (done.ok() && done.value()) stored = **done;
    stored.finished_at = NowIso8601();
    if (!s.ok()) {
      stored.state = "failed";
      stored.error = s.message();
      spdlog::warn("linkage job {} failed: {}", job.job_id, s.message());
    } else {
      stored.state = "done";
    }
    (void)store_->PutJob(stored);
    std::lock_guard lock(mutex_);
    progress_.erase(job.job_id);
  }
}

Result<Json> WorkbenchImpl::StartJob(const Caller& caller, const Json& request) {
  if (!request.is_object()) return Status::InvalidArgument("must be a JSON object", "body");
  Json settings = Json::object();
  KUZOT_ASSIGN_OR_RETURN(auto lists, store_->Lists());
  Json list_ids = Json::array();
  if (request.contains("list_ids")) {
    if (!request["list_ids"].is_array() || request["list_ids"].empty()) {
      return Status::InvalidArgument("must be a non-empty list of list ids", "list_ids");
    }
    for (size_t i = 0; i < request["list_ids"].size(); ++i) {
      const Json& id = request["list_ids"][i];
      bool known = id.is_string() && std::any_of(lists.begin(), lists.end(), [&](const auto& l) {
                     return l.id == id.get<std::string>();
                   });
      if (!known) {
        return Status::InvalidArgument("there is no such list",
                                       "list_ids[" + std::to_string(i) + "]");
      }
      list_ids.push_back(id);
    }
  } else {
    for (const auto& l : lists) list_ids.push_back(l.id);
  }
  if (list_ids.empty()) {
    return Status::InvalidArgument("there are no lists yet: import one first", "list_ids");
  }
  settings["list_ids"] = list_ids;
  const double threshold = NumberOr(request, "threshold", 0.5);
  const double review_min = NumberOr(request, "review_min", 0.1);
  const double review_max = NumberOr(request, "review_max", 0.95);
  if (!(threshold > 0 && threshold < 1)) {
    return Status::InvalidArgument("must be between 0 and 1", "threshold");
  }
  if (!(review_min > 0 && review_min <= review_max && review_max <= 1)) {
    return Status::InvalidArgument("must satisfy 0 < review_min <= review_max <= 1", "review_min");
  }
  settings["threshold"] = threshold;
  settings["review_min"] = review_min;
  settings["review_max"] = review_max;
  if (request.contains("event_date")) {
    if (!request["event_date"].is_string() ||
        NormalizeDate(request["event_date"].get<std::string>()).empty()) {
      return Status::InvalidArgument("is not a date (YYYY-MM-DD)", "event_date");
    }
    settings["event_date"] = request["event_date"];
  }
  storage::JobRow row;
  row.id = NewId();
  row.state = "queued";
  row.settings = settings.dump();
  row.created_by = caller.user;
  row.created_at = NowIso8601();
  KUZOT_RETURN_IF_ERROR(store_->PutJob(row));
  {
    std::lock_guard lock(mutex_);
    progress_[row.id] = {"queued", 0, 0};
    queue_.push_back({row.id, caller, settings});
  }
  wake_.notify_all();
  return JobJson(row);
}

Json WorkbenchImpl::JobJson(const storage::JobRow& row) {
  Json out = {{"id", row.id},
              {"state", row.state},
              {"settings", Json::parse(row.settings, nullptr, false)},
              {"created_by", row.created_by},
              {"created_at", row.created_at}};
  if (!row.finished_at.empty()) out["finished_at"] = row.finished_at;
  if (!row.result.empty()) out["result"] = Json::parse(row.result, nullptr, false);
  if (!row.error.empty()) out["error"] = row.error;
  std::lock_guard lock(mutex_);
  if (auto it = progress_.find(row.id); it != progress_.end()) {
    out["progress"] = {
        {"stage", it->second.stage}, {"done", it->second.done}, {"total", it->second.total}};
  }
  return out;
}

Result<Json> WorkbenchImpl::Job(const Caller&, const std::string& id) {
  KUZOT_ASSIGN_OR_RETURN(auto row, store_->GetJob(id));
  if (!row) return Status::NotFound("there is no reconciliation job " + id);
  return JobJson(*row);
}

Result<Json> WorkbenchImpl::Jobs(const Caller&) {
  KUZOT_ASSIGN_OR_RETURN(auto rows, store_->Jobs(100));
  Json items = Json::array();
  for (const auto& r : rows) items.push_back(JobJson(r));
  return Json{{"items", std::move(items)}};
}

Result<Json> WorkbenchImpl::Person(const Caller& caller, const std::string& id) {
  auto person = records_.Get(caller, "person", id);
  if (!person.ok()) {
    if (person.status().code() == StatusCode::kForbidden) {
      return Status::NotFound("there is no person " + id);
    }
    return person.status();
  }
  return std::move(person).value();
}

Result<std::vector<Record>> WorkbenchImpl::PersonsOf(const Caller& caller, const Json& settings,
                                                     std::vector<std::string>& warnings) {
  KUZOT_ASSIGN_OR_RETURN(auto lists, store_->Lists());
  struct ListInfo {
    uint32_t index;
    std::string name;
    Json columns;
    std::string event_date;
  };
  std::map<std::string, ListInfo> by_source;             // source record id -> list
  std::vector<std::pair<uint32_t, std::string>> wanted;  // (list index, list id)
  uint32_t index = 0;
  for (const auto& id : settings["list_ids"]) {
    for (const auto& l : lists) {
      if (l.id != id.get<std::string>()) continue;
      Json meta = Json::parse(l.columns, nullptr, false);
      by_source[l.source_id] = {index, l.name, meta.is_object() ? meta["columns"] : Json::object(),
                                meta.is_object() ? meta.value("event_date", "") : ""};
      wanted.emplace_back(index++, l.id);
    }
  }
  const std::string job_event_date = settings.value("event_date", "");
  std::vector<std::vector<std::string>> ids;
  int64_t total = 0;
  for (const auto& [i, list_id] : wanted) {
    KUZOT_ASSIGN_OR_RETURN(auto persons, store_->ListPersons(list_id));
    total += static_cast<int64_t>(persons.size());
    ids.push_back(std::move(persons));
  }
  std::vector<Record> out;
  std::set<std::string> seen;
  int64_t done = 0, hidden = 0, ages_dropped = 0;
  for (size_t w = 0; w < wanted.size(); ++w) {
    for (const auto& id : ids[w]) {
      if (++done % 200 == 0) {
        std::lock_guard lock(mutex_);
        progress_[settings.value("job_id", "")] = {"reading", done, total};
      }
      if (!seen.insert(id).second) continue;
      auto person = records_.Get(caller, "person", id);
      if (!person.ok()) {
        if (person.status().code() == StatusCode::kNotFound ||
            person.status().code() == StatusCode::kForbidden) {
          ++hidden;
          continue;
        }
        return person.status();
      }
      const Json& p = *person;
      if (p.value("deleted", false)) continue;  // merged into another
      Record r;
      r.id = id;
      r.source = wanted[w].first;
      if (p.contains("names") && p["names"].is_array() && !p["names"].empty()) {
        r.full_name = p["names"][0].value("value", "");
      }
      r.sex = p.value("sex", "");
      r.birth_date = p.value("birth_date", "");
      r.address =
          p.contains("address") && p["address"].is_string() ? p["address"].get<std::string>() : "";
      std::string event_date = job_event_date;
      // What each list's row said beyond the person's fields: place and
      // document id, read back from the citation notes.
      if (p.contains("sources") && p["sources"].is_array()) {
        for (const auto& cite : p["sources"]) {
          auto list = by_source.find(cite.value("source_id", ""));
          int64_t row = 0;
          Json cells;
          if (list == by_source.end() || !ParseRowNote(cite.value("note", ""), row, cells))
            continue;
          if (r.origin.empty()) {
            r.origin = list->second.name + " row " + std::to_string(row);
            if (event_date.empty()) event_date = list->second.event_date;
          }
          for (const auto& [column, role] : list->second.columns.items()) {
            if (!cells.contains(column) || !cells[column].is_string()) continue;
            const std::string value = cells[column];
            if (role == "place" && r.place.empty()) r.place = value;
            if (role == "document_id" && r.document_id.empty()) r.document_id = value;
          }
        }
      }
      if (p.contains("age_at_event") && p["age_at_event"].is_number_integer()) {
        if (event_date.empty()) {
          ++ages_dropped;
        } else {
          r.age = std::to_string(p["age_at_event"].get<int>());
          r.event_date = event_date;
        }
      }
      if (r.origin.empty()) r.origin = "person " + id;
      out.push_back(std::move(r));
    }
  }
  if (hidden) {
    warnings.push_back(std::to_string(hidden) +
                       " persons of these lists are not visible to the job's owner and were left "
                       "out");
  }
  if (ages_dropped) {
    warnings.push_back(std::to_string(ages_dropped) +
                       " ages at the event were not compared: neither the list nor the job gives "
                       "the event date");
  }
  return out;
}

Status WorkbenchImpl::RunJob(const Queued& job) {
  auto started = std::chrono::steady_clock::now();
  Json settings_json = job.settings;
  settings_json["job_id"] = job.job_id;
  std::vector<std::string> warnings;
  KUZOT_ASSIGN_OR_RETURN(auto persons, PersonsOf(job.caller, settings_json, warnings));
  if (persons.size() < 2) {
    return Status::InvalidArgument("the lists have fewer than two persons the job may see");
  }
  std::vector<std::string> ids;
  ids.reserve(persons.size());
  for (const auto& p : persons) ids.push_back(p.id);
  Settings settings;
  settings.threshold = job.settings["threshold"];
  const double review_min = job.settings["review_min"];
  settings.report_min_probability = review_min;
  settings.threads = 2;
  KUZOT_ASSIGN_OR_RETURN(
      auto linker, Linker::Create(std::move(persons), settings, Gazetteer(records_, job.caller)));
  // People's decisions on these persons are the labels.
  KUZOT_ASSIGN_OR_RETURN(auto decisions, store_->LatestDecisions(ids));
  std::vector<Label> labels;
  for (const auto& d : decisions) {
    if (d.decision == "same") labels.push_back({d.left_id, d.right_id, Decision::kSame});
    if (d.decision == "different") labels.push_back({d.left_id, d.right_id, Decision::kDifferent});
  }
  auto progress = [&](std::string_view stage, int64_t done, int64_t total) {
    std::lock_guard lock(mutex_);
    progress_[job.job_id] = {std::string(stage), done, total};
  };
  KUZOT_ASSIGN_OR_RETURN(auto outcome, linker->Run(labels, progress));
  progress("saving", 0, static_cast<int64_t>(outcome.pairs.size()));

  const auto& recs = linker->records();
  std::vector<storage::ReviewPair> pairs;
  int64_t links = 0, doubtful = 0;
  const double review_max = job.settings["review_max"];
  for (const auto& pair : outcome.pairs) {
    if (pair.probability >= settings.threshold) ++links;
    if (pair.probability >= review_min && pair.probability <= review_max) ++doubtful;
    if (pairs.size() >= kMaxStoredPairs) continue;
    KUZOT_ASSIGN_OR_RETURN(auto explanation, linker->Explain(pair.left, pair.right));
    auto [left, right] = Ordered(recs[pair.left].id, recs[pair.right].id);
    pairs.push_back(
        {job.job_id, left, right, pair.probability, ExplanationJson(explanation).dump()});
  }
  std::map<uint32_t, int64_t> sizes;
  for (uint32_t c : outcome.cluster) ++sizes[c];
  std::vector<std::pair<std::string, int64_t>> clusters;
  for (size_t i = 0; i < recs.size(); ++i) {
    if (sizes[outcome.cluster[i]] > 1) clusters.emplace_back(recs[i].id, outcome.cluster[i]);
  }
  KUZOT_RETURN_IF_ERROR(store_->PutJobOutput(job.job_id, pairs, clusters));

  int64_t multi = 0;
  for (const auto& [c, n] : sizes) multi += n > 1;
  Json blocking = Json::array();
  for (const auto& r : outcome.blocking) {
    blocking.push_back({{"rule", r.rule},
                        {"comparisons", r.comparisons},
                        {"new_pairs", r.new_pairs},
                        {"skipped", r.skipped}});
  }
  Json result = {
      {"persons", recs.size()},
      {"lists", job.settings["list_ids"].size()},
      {"blocking", std::move(blocking)},
      {"candidate_pairs", outcome.candidate_pairs},
      {"links", links},
      {"review_pairs", doubtful},
      {"clusters", multi},
      {"persons_in_clusters", clusters.size()},
      {"labels", labels.size()},
      {"model",
       {{"lambda", outcome.model.lambda},
        {"iterations", outcome.model.iterations},
        {"converged", outcome.model.converged},
        {"labelled_pairs", outcome.model.labelled_pairs}}},
      // Counts only: the engine's warnings quote names and dates.
      {"engine_warnings", outcome.warnings.size()},
      {"warnings", warnings},
      {"seconds",
       std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()}};
  KUZOT_ASSIGN_OR_RETURN(auto row, store_->GetJob(job.job_id));
  if (!row) return Status::Internal("the job disappeared from the linkage store");
  row->result = result.dump();
  return store_->PutJob(*row);
}

}  // namespace kuzot::linkage
