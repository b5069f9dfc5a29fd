#include "records/sealing.h"

#include <algorithm>
#include <set>

#include "linkage/linkage.h"
#include "search/search.h"

namespace kuzot::records {
namespace {

std::string Associated(const storage::StoredRecord& r) {
  return "kuzot-record-v1\n" + r.id + "\n" + r.type + "\n" + r.confidentiality;
}

bool IsSensitive(const TypeSpec* type, const std::string& field) {
  if (!type) return false;
  const FieldSpec* f = FindField(type->fields, field);
  return f && f->sensitive;
}

bool HasSensitiveField(const TypeSpec& type) {
  for (const auto& f : type.fields) {
    if (f.sensitive) return true;
  }
  return false;
}

// Members in the type's field order, then any others: an opened body reads
// like the body that was sealed.
Json InSchemaOrder(const TypeSpec* type, Json body) {
  if (!type) return body;
  Json out = Json::object();
  for (const auto& f : type->fields) {
    auto it = body.find(f.name);
    if (it != body.end()) {
      out[f.name] = std::move(*it);
      body.erase(f.name);
    }
  }
  for (auto& [k, v] : body.items()) out[k] = std::move(v);
  return out;
}

}  // namespace

Result<std::string> RecordCodec::Seal(const storage::StoredRecord& record) const {
  return SealBody(record, std::nullopt);
}

Result<std::string> RecordCodec::Seal(const storage::StoredRecord& record, Json body) const {
  return SealBody(record, std::move(body));
}

Result<std::string> RecordCodec::SealBody(const storage::StoredRecord& record,
                                          std::optional<Json> parsed) const {
  bool whole = SealsWholeBody(record.confidentiality) || record.seal_whole;
  const TypeSpec* type = FindType(record.type);
  // A type without sensitive fields has nothing to hide below secret (most
  // acts of an import): stored as given, without parsing it.
  if (!whole && type && !HasSensitiveField(*type)) return record.body;
  Json body = parsed ? std::move(*parsed) : Json::parse(record.body, nullptr, false);
  if (!body.is_object()) return Status::Internal("a record body to seal is not a JSON object");
  if (!whole && std::none_of(body.items().begin(), body.items().end(),
                             [&](const auto& item) { return IsSensitive(type, item.key()); })) {
    return record.body;  // nothing to hide: stored as given
  }
  Json hidden = Json::object();
  Json kept = Json::object();
  for (auto& [key, value] : body.items()) {
    if (whole ? key != "confidentiality" : IsSensitive(type, key)) {
      hidden[key] = std::move(value);
    } else {
      kept[key] = std::move(value);
    }
  }
  KUZOT_ASSIGN_OR_RETURN(std::string sealed,
                         keyring_->Seal(hidden.dump(), Associated(record), generation()));
  kept[kSealedMember] = std::move(sealed);
  return kept.dump();
}

Result<std::string> RecordCodec::Open(const storage::StoredRecord& stored) const {
  if (stored.body.find(kSealedMember) == std::string::npos) return stored.body;
  Json body = Json::parse(stored.body, nullptr, false);
  if (!body.is_object() || !body.contains(kSealedMember)) return stored.body;
  const Json& sealed = body[kSealedMember];
  if (!sealed.is_string()) return Status::Internal("a sealed body is damaged");
  auto opened = keyring_->Open(sealed.get<std::string>(), Associated(stored));
  if (!opened.ok()) {
    return Status::Internal("the " + stored.type + " " + stored.id + " (revision " +
                            std::to_string(stored.revision) +
                            ") cannot be decrypted: " + opened.status().message());
  }
  Json hidden = Json::parse(opened.value(), nullptr, false);
  if (!hidden.is_object()) return Status::Internal("a sealed body holds no JSON object");
  body.erase(kSealedMember);
  for (auto& [key, value] : hidden.items()) body[key] = std::move(value);
  return InSchemaOrder(FindType(stored.type), std::move(body)).dump();
}

bool RecordCodec::IsWholeSealed(std::string_view stored_body) const {
  if (stored_body.find(kSealedMember) == std::string_view::npos) return false;
  Json body = Json::parse(stored_body, nullptr, false);
  if (!body.is_object() || !body.contains(kSealedMember)) return false;
  for (const auto& [key, value] : body.items()) {
    if (key != kSealedMember && key != "confidentiality") return false;
  }
  return true;
}

std::string NormalizeValue(std::string_view value) {
  std::string latin = linkage::ToLatin(value);
  std::string out;
  for (unsigned char c : latin) {
    if (c >= 0x80 || std::isalnum(c)) out += static_cast<char>(std::tolower(c));
  }
  return out;
}

std::string BlindReference(const RecordCodec& codec, const std::string& id) {
  return "~" + codec.keyring().Blind("ref", id, codec.generation());
}

std::vector<std::vector<std::string>> BlindWords(const RecordCodec& codec, std::string_view query) {
  std::vector<std::vector<std::string>> out;
  for (const auto& forms : search::WordForms(query)) {
    std::vector<std::string> blinded;
    for (const auto& form : forms) {
      blinded.push_back(codec.keyring().Blind("word", form, codec.generation()));
    }
    out.push_back(std::move(blinded));
  }
  return out;
}

std::string BlindValue(const RecordCodec& codec, std::string_view query) {
  std::string normalized = NormalizeValue(query);
  if (normalized.empty()) return {};
  return codec.keyring().Blind("value", normalized, codec.generation());
}

StoredIndex IndexFor(const TypeSpec& type, const std::string& confidentiality,
                     const ValidatedBody& body, const RecordCodec* codec) {
  StoredIndex out;
  bool secret = codec && codec->SealsWholeBody(confidentiality);
  for (const PendingRef& ref : body.references) {
    bool hidden = secret || IsSensitive(&type, ref.field);
    out.references.push_back(
        {ref.field, codec && hidden ? BlindReference(*codec, ref.target_id) : ref.target_id});
  }
  if (!codec) {
    out.search_text = body.search_text;
    return out;
  }
  if (secret) {
    // Kept out of the full-text index: its words are found through their
    // blind forms only.
    for (const auto& forms : search::WordForms(body.search_text)) {
      for (const auto& form : forms) {
        out.blind_terms.push_back(
            {codec->keyring().Blind("word", form, codec->generation()), kSecretWords});
      }
    }
  } else {
    out.search_text = body.search_text;
  }
  for (const auto& f : type.fields) {
    if (!f.sensitive || !body.body.contains(f.name)) continue;
    const Json& v = body.body[f.name];
    std::vector<std::string> values;
    if (v.is_string() && f.kind != FieldKind::kRef) values.push_back(v.get<std::string>());
    if (v.is_array()) {
      for (const auto& item : v) {
        if (item.is_string() && f.kind != FieldKind::kRefList)
          values.push_back(item.get<std::string>());
      }
    }
    for (const auto& value : values) {
      std::string blind = BlindValue(*codec, value);
      if (!blind.empty()) out.blind_terms.push_back({blind, kSensitiveValue});
    }
  }
  // Duplicates (a word twice) are one term.
  std::vector<storage::BlindTerm> unique;
  std::set<std::pair<std::string, int>> seen;
  for (auto& t : out.blind_terms) {
    if (seen.insert({t.term, t.kind}).second) unique.push_back(std::move(t));
  }
  out.blind_terms = std::move(unique);
  return out;
}

}  // namespace kuzot::records
