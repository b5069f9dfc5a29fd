// Importing a bundle (kuzot import, the demo data): one pass over the text,
// each element of "records" and "revisions" parsed, checked and written on
// its own and then dropped, all inside one write transaction. A bundle of
// two million records used to be parsed whole into a document first (4.7 GB
// for a 520 MB file); now only the records in flight between the two
// threads (see Walk, at most a few thousand) are held at a time.
//
// What a single pass cannot know in advance is found in the raw text first
// (see Survey): whether records are named by key (then a first pass gives
// every key its id, as forward references need), and whether the bundle
// puts its members in an order other than ExportBundle's (format, version,
// vocabularies, records, revisions): then the elements that would come too
// early are held and handled at the end, as before. Whether the bundle has
// a history is known only once "revisions" is read, which ExportBundle
// writes after "records": records are written without a revision, and the
// "create" revisions are added in one statement at the end when the bundle
// had none.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <istream>
#include <iterator>
#include <map>
#include <set>
#include <thread>

#include "common/clock.h"
#include "records/batch_queue.h"
#include "records/keys.h"
#include "records/sealing.h"
#include "records/service.h"
#include "records/validate.h"

namespace kuzot::records {
namespace {

constexpr char kFormat[] = "kuzot-bundle";
constexpr int kVersion = 1;
// From this many records on, indexes are built once at the end (bulk mode).
constexpr int64_t kBulkThreshold = 5000;
// Records written together (Transaction::InsertNew), and items handed from
// the parsing thread to the writing one together.
constexpr size_t kBatch = 256;
// Batches the parsing thread may be ahead of the writing one.
constexpr size_t kQueuedBatches = 8;

Result<std::string> RequiredString(const Json& j, const char* field, const std::string& path) {
  if (!j.contains(field) || !j[field].is_string()) {
    return Status::InvalidArgument("is required and must be a string", path + "." + field);
  }
  return j[field].get<std::string>();
}

// Optional members of a bundle's objects: the fallback when absent, a
// clear error naming the member when it has the wrong type.
Result<std::string> StringOr(const Json& j, const char* field, const std::string& fallback,
                             const std::string& path) {
  if (!j.contains(field) || j[field].is_null()) return fallback;
  if (!j[field].is_string()) return Status::InvalidArgument("must be a string", path + "." + field);
  return j[field].get<std::string>();
}

Result<int64_t> IntOr(const Json& j, const char* field, int64_t fallback, const std::string& path) {
  if (!j.contains(field) || j[field].is_null()) return fallback;
  if (!j[field].is_number_integer()) {
    return Status::InvalidArgument("must be a whole number", path + "." + field);
  }
  return j[field].get<int64_t>();
}

Result<bool> BoolOr(const Json& j, const char* field, bool fallback, const std::string& path) {
  if (!j.contains(field) || j[field].is_null()) return fallback;
  if (!j[field].is_boolean())
    return Status::InvalidArgument("must be true or false", path + "." + field);
  return j[field].get<bool>();
}

// string_view::find, but memmem: the survey reads the whole text several
// times, and find, which compares at every '"', took 0.3 s per 50 MB.
size_t Find(std::string_view text, std::string_view what, size_t from) {
  if (from > text.size()) return std::string_view::npos;
  const void* at = memmem(text.data() + from, text.size() - from, what.data(), what.size());
  return at ? static_cast<const char*>(at) - text.data() : std::string_view::npos;
}

// Where the raw text first names `name` as an object member at or after
// `from` (npos: nowhere): `"name"` not escaped and followed by a colon. A
// nested member of the same name also counts; that only makes the import
// take its slower, holding path.
size_t MemberAt(std::string_view text, std::string_view name, size_t from = 0) {
  std::string quoted = "\"" + std::string(name) + "\"";
  for (size_t at = Find(text, quoted, from); at != std::string_view::npos;
       at = Find(text, quoted, at + 1)) {
    if (at > 0 && text[at - 1] == '\\') continue;
    size_t after = at + quoted.size();
    while (after < text.size() && std::isspace(static_cast<unsigned char>(text[after]))) ++after;
    if (after < text.size() && text[after] == ':') return at;
  }
  return std::string_view::npos;
}

// What the raw text tells before parsing.
struct Survey {
  bool keyed = false;           // some record may carry "key"
  bool late_header = false;     // format or version may follow a list: hold all lists
  bool hold_records = false;    // vocabularies may follow "records"
  bool hold_revisions = false;  // "revisions" may come before "records"
};

Survey SurveyText(std::string_view text) {
  constexpr auto npos = std::string_view::npos;
  Survey survey;
  survey.keyed = MemberAt(text, "key") != npos;
  size_t first_list = npos;
  for (const char* list : {"vocabularies", "records", "revisions"}) {
    first_list = std::min(first_list, MemberAt(text, list));
  }
  if (first_list == npos) return survey;
  for (const char* header : {"format", "version"}) {
    survey.late_header |= MemberAt(text, header, first_list + 1) != npos;
  }
  size_t records = MemberAt(text, "records");
  if (records == npos) return survey;
  survey.hold_records = MemberAt(text, "vocabularies", records + 1) != npos;
  size_t revisions = MemberAt(text, "revisions");
  survey.hold_revisions = revisions != npos && revisions < records;
  return survey;
}

// Stops the parser from inside its callback once an element failed.
struct Stop {};

// Calls `element(member, index, value)` for every element of the top-level
// arrays and `scalar(member, value)` for every other top-level member, in
// the order of the text, dropping each once handled. A top-level value that
// is not an object gives `not_object`. Returns false when the text is not
// JSON; stops at the first error the callbacks return.
class Walker {
 public:
  using Element = std::function<Status(const std::string&, size_t, Json&)>;
  using Scalar = std::function<Status(const std::string&, const Json&)>;

  Status Walk(std::string_view text, const Element& element, const Scalar& scalar) {
    status_ = Status::Ok();
    member_.clear();
    index_ = 0;
    in_array_ = false;
    Json result;
    try {
      result = Json::parse(
          text.begin(), text.end(),
          [&](int depth, Json::parse_event_t event, Json& parsed) {
            return Event(depth, event, parsed, element, scalar);
          },
          false);
    } catch (const Stop&) {
      return status_;
    }
    if (result.is_discarded()) return Status::InvalidArgument("the file is not valid JSON");
    if (!result.is_object()) return Status::InvalidArgument("is not \"kuzot-bundle\"", "format");
    return Status::Ok();
  }

 private:
  using E = Json::parse_event_t;

  bool Event(int depth, E event, Json& parsed, const Element& element, const Scalar& scalar) {
    if (depth == 0 && event == E::array_start)
      Fail(Status::InvalidArgument("is not \"kuzot-bundle\"", "format"));
    if (depth == 1) {
      if (event == E::key) {
        member_ = parsed.get<std::string>();
        index_ = 0;
        return true;
      }
      if (event == E::array_start || event == E::object_start) {
        in_array_ = event == E::array_start;
        return true;
      }
      // A whole top-level member: arrays were emptied element by element.
      if (event == E::value || event == E::object_end || event == E::array_end) {
        Check(scalar(member_, parsed));
        return false;
      }
      return true;
    }
    // An element of a top-level array is complete.
    bool complete = depth == 2 && in_array_ &&
                    (event == E::value || event == E::object_end || event == E::array_end);
    if (!complete) return true;
    Check(element(member_, index_++, parsed));
    return false;
  }

  void Check(Status status) {
    if (!status.ok()) Fail(std::move(status));
  }
  [[noreturn]] void Fail(Status status) {
    status_ = std::move(status);
    throw Stop{};
  }

  Status status_;
  std::string member_;
  size_t index_ = 0;
  bool in_array_ = false;  // the current top-level member is an array
};

}  // namespace

// The state of one import; see the file comment.
class RecordService::Importer {
 public:
  Importer(RecordService& service, storage::Transaction& tx, const Caller& caller,
           const Progress& progress)
      : service_(service), tx_(tx), caller_(caller), progress_(progress), now_(NowIso8601()) {}

  // Gives every key of the bundle an id (first pass of a keyed bundle).
  Status CollectKeys(std::string_view text) {
    Walker walker;
    return walker.Walk(
        text,
        [&](const std::string& member, size_t i, Json& r) -> Status {
          if (member != "records" || !r.is_object()) return Status::Ok();
          auto key = r.find("key");
          if (key == r.end() || !key->is_string()) return Status::Ok();
          if (!key_ids_.emplace(key->get<std::string>(), NewId()).second) {
            return Status::InvalidArgument("the key is used twice",
                                           "records[" + std::to_string(i) + "].key");
          }
          return Status::Ok();
        },
        [](const std::string&, const Json&) { return Status::Ok(); });
  }

  Status Run(std::string_view text, const Survey& survey) {
    text_ = text;
    KUZOT_ASSIGN_OR_RETURN(first_seq_, tx_.LastRecordSeq());
    KUZOT_ASSIGN_OR_RETURN(auto names, tx_.VocabularyNames());
    for (const auto& name : names) {
      KUZOT_ASSIGN_OR_RETURN(auto terms, tx_.Vocabulary(name));
      for (const auto& t : terms) codes_[name].insert(t.code);
    }
    KUZOT_RETURN_IF_ERROR(Walk(text, survey));
    KUZOT_RETURN_IF_ERROR(CheckHeader());
    for (size_t i = 0; i < held_[0].size(); ++i) KUZOT_RETURN_IF_ERROR(Vocabulary(held_[0][i], i));
    for (size_t i = 0; i < held_[1].size(); ++i) KUZOT_RETURN_IF_ERROR(Record(held_[1][i], i));
    held_[1].clear();
    KUZOT_RETURN_IF_ERROR(CheckReferences());
    for (size_t i = 0; i < held_[2].size(); ++i) KUZOT_RETURN_IF_ERROR(Revision(held_[2][i], i));
    // A bundle without history: each record's first revision is itself.
    if (revisions_seen_ == 0 && report_.records > 0) {
      KUZOT_RETURN_IF_ERROR(tx_.AddCreateRevisions(first_seq_));
    }
    for (const auto& id : secret_ids_) KUZOT_RETURN_IF_ERROR(tx_.ResealHistory(id));
    if (bulk_) KUZOT_RETURN_IF_ERROR(tx_.SetBulkMode(false));
    return Status::Ok();
  }

  const ImportReport& report() const { return report_; }

 private:
  using Codes = std::map<std::string, std::set<std::string>>;

  static bool Known(const Codes& codes, const std::string& vocabulary, const std::string& code) {
    auto it = codes.find(vocabulary);
    return it != codes.end() && it->second.count(code);
  }

  // A record of the bundle, checked and made ready to store.
  struct Prepared {
    storage::NewRecord row;  // its body sealed
    size_t index = 0;        // records[index]
    bool unnamed = false;    // given a new id here, and it has references (paths_)
    bool secret = false;     // sealed whole: its history is resealed at the end
  };

  // What the parsing thread hands over, in the order of the text.
  struct Item {
    enum class Kind { kMember, kElement, kRecord, kError };
    Kind kind;
    std::string member;  // kMember, kElement: the top-level member
    size_t index = 0;    // kElement: its index in the member's list
    Json value;          // kMember, kElement
    Prepared record;     // kRecord, not held (see Survey)
    Status status;       // kError: the walk stopped here
  };

  // 0, 1, 2 for the lists vocabularies, records, revisions; -1 otherwise.
  static int ListOf(const std::string& member) {
    return member == "vocabularies" ? 0 : member == "records" ? 1 : member == "revisions" ? 2 : -1;
  }

  // Whether elements of `list` are held until the whole text is read.
  static bool Held(const Survey& survey, int list) {
    return survey.late_header || (list == 1 && survey.hold_records) ||
           (list == 2 && survey.hold_revisions);
  }

  // One pass over the text on two threads: a second thread parses the
  // text and prepares each record (Prepare: checking, indexing, sealing,
  // about half the work), handing items over in order, kBatch at a time,
  // at most kQueuedBatches ahead; this thread, which owns the transaction,
  // writes them and handles everything else. The first error in text
  // order stops both, so the error reported is the one a single thread
  // would report.
  Status Walk(std::string_view text, const Survey& survey) {
    BatchQueue<Item> queue(kQueuedBatches);
    // The codes known now; vocabulary elements add theirs as the parser
    // passes them (Parse), while this thread's codes_ changes under it.
    std::thread parser([this, text, &survey, &queue, codes = codes_]() mutable {
      Parse(text, survey, std::move(codes), queue);
    });
    struct Join {
      BatchQueue<Item>& queue;
      std::thread& thread;
      ~Join() {
        queue.Cancel();  // wakes the parser should it wait for room
        thread.join();
      }
    } join{queue, parser};
    std::vector<Item> batch;
    while (queue.Pop(&batch)) {
      for (Item& item : batch) KUZOT_RETURN_IF_ERROR(Handle(item, survey));
    }
    return Status::Ok();
  }

  // The parsing thread: reads only the text, key_ids_, `codes` and what
  // Prepare reads.
  void Parse(std::string_view text, const Survey& survey, Codes codes, BatchQueue<Item>& queue) {
    std::vector<Item> batch;
    auto send = [&](Item item) -> Status {
      batch.push_back(std::move(item));
      if (batch.size() < kBatch) return Status::Ok();
      bool taken = queue.Push(std::move(batch));
      batch.clear();
      return taken ? Status::Ok() : Status::Unavailable("the import stopped");
    };
    Status walked;
    try {
      walked = Walker().Walk(
          text,
          [&](const std::string& member, size_t i, Json& value) -> Status {
            int list = ListOf(member);
            if (list < 0) return Status::Ok();
            if (list == 1 && !Held(survey, list)) {
              KUZOT_ASSIGN_OR_RETURN(Prepared prepared, Prepare(value, i, codes));
              return send({Item::Kind::kRecord, {}, i, {}, std::move(prepared), {}});
            }
            // A term the writer will add (or fail on, which ends the import).
            if (list == 0 && !Held(survey, list) && value.is_object()) {
              auto vocabulary = value.find("vocabulary");
              auto code = value.find("code");
              if (vocabulary != value.end() && vocabulary->is_string() && code != value.end() &&
                  code->is_string()) {
                codes[vocabulary->get<std::string>()].insert(code->get<std::string>());
              }
            }
            return send({Item::Kind::kElement, member, i, std::move(value), {}, {}});
          },
          [&](const std::string& member, const Json& value) {
            return send({Item::Kind::kMember, member, 0, value, {}, {}});
          });
    } catch (const std::exception& e) {
      walked = Status::Internal(std::string("reading the bundle failed: ") + e.what());
    }
    if (!walked.ok()) batch.push_back({Item::Kind::kError, {}, 0, {}, {}, walked});
    queue.Push(std::move(batch));
    queue.Close();
  }

  // An item on the writing thread, as a single pass would handle it.
  Status Handle(Item& item, const Survey& survey) {
    switch (item.kind) {
      case Item::Kind::kError:
        return item.status;
      case Item::Kind::kMember:
        return Member(item.member, item.value);
      case Item::Kind::kRecord:
        KUZOT_RETURN_IF_ERROR(CheckHeader());
        return Add(std::move(item.record));
      case Item::Kind::kElement:
        break;
    }
    int list = ListOf(item.member);
    if (list == 2) ++revisions_seen_;
    if (Held(survey, list)) {
      held_[list].push_back(std::move(item.value));
      return Status::Ok();
    }
    KUZOT_RETURN_IF_ERROR(CheckHeader());
    if (list == 0) return Vocabulary(item.value, item.index);
    if (list == 1) return Record(item.value, item.index);
    return Revision(item.value, item.index);
  }

  // A top-level member other than the lists: format and version are
  // checked; the lists must be lists.
  Status Member(const std::string& member, const Json& value) {
    if (member == "format") {
      if (value != kFormat) return Status::InvalidArgument("is not \"kuzot-bundle\"", "format");
      format_seen_ = true;
    } else if (member == "version") {
      if (value != kVersion)
        return Status::InvalidArgument("this Kuzot reads bundles of version 1", "version");
      version_seen_ = true;
    } else if (member == "vocabularies" || member == "records" || member == "revisions") {
      if (!value.is_array()) return Status::InvalidArgument("must be a list", member);
    }
    return Status::Ok();
  }

  // A bundle says what it is before anything of it is written.
  Status CheckHeader() const {
    if (!format_seen_) return Status::InvalidArgument("is not \"kuzot-bundle\"", "format");
    if (!version_seen_) {
      return Status::InvalidArgument("this Kuzot reads bundles of version 1", "version");
    }
    return Status::Ok();
  }

  Status Vocabulary(const Json& t, size_t i) {
    std::string path = "vocabularies[" + std::to_string(i) + "]";
    if (!t.is_object()) return Status::InvalidArgument("must be an object", path);
    KUZOT_ASSIGN_OR_RETURN(std::string vocabulary, RequiredString(t, "vocabulary", path));
    KUZOT_ASSIGN_OR_RETURN(std::string code, RequiredString(t, "code", path));
    if (!t.contains("labels") || !t["labels"].is_object()) {
      return Status::InvalidArgument("is required", path + ".labels");
    }
    KUZOT_ASSIGN_OR_RETURN(int64_t position, IntOr(t, "position", 0, path));
    KUZOT_ASSIGN_OR_RETURN(bool deprecated, BoolOr(t, "deprecated", false, path));
    KUZOT_RETURN_IF_ERROR(tx_.PutVocabularyTerm(
        {vocabulary, code, t["labels"].dump(), static_cast<int>(position), deprecated}));
    codes_[vocabulary].insert(code);
    ++report_.vocabulary_terms;
    return Status::Ok();
  }

  // Everything a record needs but the writing: it reads only key_ids_,
  // `codes` and the codec, so that it can run on the parsing thread.
  Result<Prepared> Prepare(Json& r, size_t i, const Codes& codes) const {
    std::string path = "records[" + std::to_string(i) + "]";
    if (!r.is_object()) return Status::InvalidArgument("must be an object", path);
    KUZOT_ASSIGN_OR_RETURN(std::string type_name, RequiredString(r, "type", path));
    const TypeSpec* spec = FindType(type_name);
    if (!spec) return Status::InvalidArgument("unknown record type", path + ".type");
    auto body_it = r.find("body");
    if (body_it == r.end() || !body_it->is_object()) {
      return Status::InvalidArgument("is required and must be an object", path + ".body");
    }
    if (!key_ids_.empty()) KUZOT_RETURN_IF_ERROR(ResolveKeys(*body_it, key_ids_, path + ".body"));
    auto valid = ValidateBody(
        *spec, *body_it,
        [&codes](const std::string& v, const std::string& c) { return Known(codes, v, c); });
    if (!valid.ok()) return valid.status().WithFieldPrefix(path + ".body");
    Prepared out;
    out.index = i;
    storage::StoredRecord& record = out.row.record;
    bool unnamed = false;  // given a new id here
    if (r.contains("key")) {
      if (!r["key"].is_string()) return Status::InvalidArgument("must be a string", path + ".key");
      auto key = key_ids_.find(r["key"].get<std::string>());
      // Only a key written so that the survey missed it (with escapes).
      if (key == key_ids_.end()) {
        return Status::InvalidArgument("write the member name \"key\" without escapes", path);
      }
      record.id = key->second;
    } else if (r.contains("id")) {
      KUZOT_ASSIGN_OR_RETURN(record.id, RequiredString(r, "id", path));
      if (!LooksLikeId(record.id))
        return Status::InvalidArgument("is not a record id", path + ".id");
    } else {
      record.id = NewId();
      unnamed = true;
    }
    record.type = spec->name;
    KUZOT_ASSIGN_OR_RETURN(record.revision, IntOr(r, "revision", 1, path));
    record.confidentiality = valid->confidentiality;
    record.body = valid->body.dump();
    KUZOT_ASSIGN_OR_RETURN(record.created_at, StringOr(r, "created_at", now_, path));
    KUZOT_ASSIGN_OR_RETURN(record.created_by, StringOr(r, "created_by", caller_.user, path));
    KUZOT_ASSIGN_OR_RETURN(record.updated_at, StringOr(r, "updated_at", record.created_at, path));
    KUZOT_ASSIGN_OR_RETURN(record.updated_by, StringOr(r, "updated_by", record.created_by, path));
    KUZOT_ASSIGN_OR_RETURN(record.deleted, BoolOr(r, "deleted", false, path));
    const RecordCodec* codec = service_.codec_.get();
    StoredIndex index = IndexFor(*spec, record.confidentiality, valid.value(), codec);
    out.row.references = std::move(index.references);
    out.row.search_text = std::move(index.search_text);
    out.row.blind_terms = std::move(index.blind_terms);
    // The codec the store was opened with (RecordService::Open).
    if (codec) {
      KUZOT_ASSIGN_OR_RETURN(record.body, codec->Seal(record, std::move(valid->body)));
    }
    out.secret = codec && codec->SealsWholeBody(record.confidentiality);
    // A record the bundle names by id or key is found again in the text
    // should its references dangle (PathOf); keeping every path cost
    // ~100 bytes a record.
    out.unnamed = unnamed && !valid->references.empty();
    return out;
  }

  // A record read on this thread (held ones): prepared and queued.
  Status Record(Json& r, size_t i) {
    KUZOT_ASSIGN_OR_RETURN(Prepared prepared, Prepare(r, i, codes_));
    return Add(std::move(prepared));
  }

  // Queues a prepared record; they are written kBatch at a time (Flush).
  Status Add(Prepared prepared) {
    pending_.push_back(std::move(prepared));
    return pending_.size() >= kBatch ? Flush() : Status::Ok();
  }

  // Writes the queued records. Whatever reads records (references,
  // revisions, the end of the import) flushes first.
  Status Flush() {
    if (pending_.empty()) return Status::Ok();
    if (!bulk_ && report_.records + static_cast<int64_t>(pending_.size()) >= kBulkThreshold) {
      KUZOT_RETURN_IF_ERROR(tx_.SetBulkMode(true));
      bulk_ = true;
    }
    rows_.clear();
    for (Prepared& p : pending_) rows_.push_back(std::move(p.row));
    // No revision yet: it comes from the bundle's history or, without one,
    // from AddCreateRevisions at the end.
    KUZOT_ASSIGN_OR_RETURN(std::vector<bool> added, tx_.InsertNew(rows_));
    for (size_t i = 0; i < pending_.size(); ++i) {
      const std::string& id = rows_[i].record.id;
      if (!added[i]) {  // already in the database (or earlier in this bundle): kept as it is
        skipped_.insert(id);
        ++report_.skipped;
        continue;
      }
      if (pending_[i].secret) secret_ids_.push_back(id);
      if (pending_[i].unnamed) paths_[id] = "records[" + std::to_string(pending_[i].index) + "]";
      ++report_.records;
      if (progress_ && report_.records % 1000 == 0) progress_(report_.records, 0);
    }
    pending_.clear();
    return Status::Ok();
  }

  // References may point forward in the bundle: checked once all records
  // are in, with one anti-join over the whole reference table.
  Status CheckReferences() {
    KUZOT_RETURN_IF_ERROR(Flush());
    std::string target;
    KUZOT_ASSIGN_OR_RETURN(auto dangling, tx_.FindDanglingReference(&target));
    if (!dangling) return Status::Ok();
    auto it = paths_.find(dangling->from_id);
    std::string where = it == paths_.end() ? PathOf(dangling->from_id) : it->second;
    return Status::InvalidArgument("refers to '" + target + "', which does not exist",
                                   where + ".body." + dangling->field);
  }

  // "records[i]" of the record the bundle names `id` (by id or by key),
  // found by walking the text again: only on the way to an error.
  std::string PathOf(const std::string& id) {
    std::string found;
    Walker walker;
    (void)walker.Walk(
        text_,
        [&](const std::string& member, size_t i, Json& r) -> Status {
          if (member != "records" || !r.is_object()) return Status::Ok();
          std::string named;
          auto key = r.find("key");
          auto own = r.find("id");
          if (key != r.end() && key->is_string()) {
            auto k = key_ids_.find(key->get<std::string>());
            if (k != key_ids_.end()) named = k->second;
          } else if (own != r.end() && own->is_string()) {
            named = own->get<std::string>();
          }
          if (named != id) return Status::Ok();
          found = "records[" + std::to_string(i) + "]";
          return Status::NotFound("found");  // any error stops the walk
        },
        [](const std::string&, const Json&) { return Status::Ok(); });
    return found.empty() ? "record " + id : found;
  }

  Status Revision(const Json& r, size_t i) {
    KUZOT_RETURN_IF_ERROR(Flush());
    std::string path = "revisions[" + std::to_string(i) + "]";
    if (!r.is_object()) return Status::InvalidArgument("must be an object", path);
    KUZOT_ASSIGN_OR_RETURN(std::string id, RequiredString(r, "id", path));
    if (skipped_.count(id)) return Status::Ok();
    // A history may only describe records this bundle brings: never add
    // revisions to a record already in the database.
    KUZOT_ASSIGN_OR_RETURN(auto owner, tx_.TypeOfNewRecord(id, first_seq_));
    if (!owner) {
      return Status::InvalidArgument("is the history of no record of this bundle", path + ".id");
    }
    storage::Revision rev;
    rev.record.id = id;
    KUZOT_ASSIGN_OR_RETURN(rev.record.type, RequiredString(r, "type", path));
    if (rev.record.type != *owner) {
      return Status::InvalidArgument("is not the type of record " + id, path + ".type");
    }
    KUZOT_ASSIGN_OR_RETURN(rev.record.revision, IntOr(r, "revision", 0, path));
    if (rev.record.revision < 1) {
      return Status::InvalidArgument("must be 1 or more", path + ".revision");
    }
    KUZOT_ASSIGN_OR_RETURN(rev.record.confidentiality,
                           StringOr(r, "confidentiality", "internal", path));
    rev.record.body = r.contains("body") ? r["body"].dump() : "{}";
    KUZOT_ASSIGN_OR_RETURN(rev.record.created_at, StringOr(r, "created_at", "", path));
    KUZOT_ASSIGN_OR_RETURN(rev.record.created_by, StringOr(r, "created_by", "", path));
    KUZOT_ASSIGN_OR_RETURN(rev.record.updated_at, StringOr(r, "updated_at", "", path));
    KUZOT_ASSIGN_OR_RETURN(rev.record.updated_by, StringOr(r, "updated_by", "", path));
    KUZOT_ASSIGN_OR_RETURN(rev.record.deleted, BoolOr(r, "deleted", false, path));
    KUZOT_ASSIGN_OR_RETURN(rev.op, StringOr(r, "op", "update", path));
    Status put = tx_.PutRevision(rev);
    // The records of this import have no revision but the bundle's, so a
    // clash on (record, revision) is the bundle naming one twice.
    if (put.code() == StatusCode::kConflict) {
      return Status::InvalidArgument(
          "revision " + std::to_string(rev.record.revision) + " of record " + id + " appears twice",
          path + ".revision");
    }
    KUZOT_RETURN_IF_ERROR(put);
    ++report_.revisions;
    return Status::Ok();
  }

  RecordService& service_;
  storage::Transaction& tx_;
  const Caller& caller_;
  const Progress& progress_;
  const std::string now_;
  ImportReport report_;
  int64_t first_seq_ = 0;
  bool bulk_ = false;
  bool format_seen_ = false;
  bool version_seen_ = false;
  int64_t revisions_seen_ = 0;
  Codes codes_;
  std::vector<Prepared> pending_;         // records not written yet (Flush)
  std::vector<storage::NewRecord> rows_;  // their rows, as Flush hands them over
  std::map<std::string, std::string> key_ids_;
  std::set<std::string> skipped_;
  std::vector<std::string> secret_ids_;       // their whole history is sealed too
  std::map<std::string, std::string> paths_;  // unnamed record's id -> "records[i]"
  std::string_view text_;                     // the bundle
  // Elements held until the end (see Survey): vocabularies, records, revisions.
  std::vector<Json> held_[3];
};

Result<ImportReport> RecordService::ImportBundle(std::istream& in, const Caller& caller,
                                                 const Progress& progress) {
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  return ImportBundle(std::string_view(text), caller, progress);
}

Result<ImportReport> RecordService::ImportBundle(std::string_view text, const Caller& caller,
                                                 const Progress& progress) {
  Survey survey = SurveyText(text);
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_->BeginBulkWrite());
  Importer importer(*this, *tx, caller, progress);
  if (survey.keyed) KUZOT_RETURN_IF_ERROR(importer.CollectKeys(text));
  KUZOT_RETURN_IF_ERROR(importer.Run(text, survey));
  ImportReport report = importer.report();
  storage::AuditEntry audit;
  audit.at = NowIso8601();
  audit.actor = caller.user;
  audit.action = "import";
  audit.detail =
      Json{
          {"records", report.records}, {"revisions", report.revisions}, {"skipped", report.skipped}}
          .dump();
  audit.remote = caller.remote_address;
  KUZOT_RETURN_IF_ERROR(tx->AppendAudit(audit));
  KUZOT_RETURN_IF_ERROR(tx->Commit());
  KUZOT_RETURN_IF_ERROR(LoadVocabularies());
  if (progress) progress(report.records, report.records);
  return report;
}

}  // namespace kuzot::records
