#include "records/validate.h"

#include <cmath>
#include <set>

#include "common/clock.h"
#include "common/fuzzy_date.h"

namespace kuzot::records {
namespace {

constexpr size_t kMaxString = 1000;
constexpr size_t kMaxText = 100000;
constexpr size_t kMaxListItems = 1000;

const char* KindName(FieldKind kind) {
  switch (kind) {
    case FieldKind::kString:
    case FieldKind::kText:
    case FieldKind::kEnum:
    case FieldKind::kDate:
    case FieldKind::kRef: return "a string";
    case FieldKind::kInteger: return "a whole number";
    case FieldKind::kNumber: return "a number";
    case FieldKind::kBool: return "true or false";
    case FieldKind::kRefList:
    case FieldKind::kStringList:
    case FieldKind::kObjectList: return "a list";
    case FieldKind::kObject: return "an object";
  }
  return "a value";
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

size_t Utf8Length(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

class Validator {
 public:
  explicit Validator(const VocabularyCheck& known_code) : known_code_(known_code) {}

  // Validates `input` against `fields`, writing the normalised object to *out.
  Status Object(const std::vector<FieldSpec>& fields, const Json& input, const std::string& path,
                const std::string& top_field, Json* out) {
    if (!input.is_object()) {
      return Status::InvalidArgument("must be an object", path);
    }
    for (const auto& [key, value] : input.items()) {
      if (path.empty() && IsEnvelope(key)) continue;
      if (!FindField(fields, key)) {
        return Status::InvalidArgument("unknown field", Join(path, key));
      }
    }
    *out = Json::object();
    for (const FieldSpec& field : fields) {
      std::string field_path = Join(path, field.name);
      auto it = input.find(field.name);
      bool absent = it == input.end() || it->is_null();
      Json value;
      if (!absent) {
        KUZOT_RETURN_IF_ERROR(Value(field, *it, field_path,
                                    top_field.empty() ? field.name : top_field, &value));
        absent = value.is_null();
      }
      if (absent) {
        if (field.required) return Status::InvalidArgument("is required", field_path);
        continue;
      }
      (*out)[field.name] = std::move(value);
    }
    return Status::Ok();
  }

  std::vector<PendingRef> references;
  std::string search_text;

 private:
  static std::string Join(const std::string& path, const std::string& name) {
    return path.empty() ? name : path + "." + name;
  }
  static bool IsEnvelope(const std::string& key) {
    for (const auto& e : EnvelopeFields()) {
      if (e == key) return true;
    }
    return false;
  }

  void AddSearch(const FieldSpec& field, const std::string& text) {
    if (!field.searchable) return;
    if (!search_text.empty()) search_text += '\n';
    search_text += text;
  }

  Status String(const FieldSpec& field, const Json& v, const std::string& path, size_t max,
                Json* out) {
    if (!v.is_string()) return Status::InvalidArgument("must be " + std::string(KindName(field.kind)), path);
    std::string s = Trim(v.get<std::string>());
    if (Utf8Length(s) > max) {
      return Status::InvalidArgument("is longer than " + std::to_string(max) + " characters", path);
    }
    for (unsigned char c : s) {
      if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
        return Status::InvalidArgument("contains a control character", path);
      }
      if (field.kind == FieldKind::kString && (c == '\n' || c == '\r')) {
        return Status::InvalidArgument("must be a single line", path);
      }
    }
    if (s.empty()) {
      *out = nullptr;  // an empty optional string is no value
      return Status::Ok();
    }
    AddSearch(field, s);
    *out = std::move(s);
    return Status::Ok();
  }

  Status Reference(const FieldSpec& field, const Json& v, const std::string& path,
                   const std::string& top_field, Json* out) {
    if (!v.is_string()) return Status::InvalidArgument("must be a record id", path);
    std::string id = v.get<std::string>();
    if (!LooksLikeId(id)) {
      return Status::InvalidArgument("'" + id.substr(0, 40) + "' is not a record id", path);
    }
    references.push_back({path, top_field, id, &field.ref_types});
    *out = id;
    return Status::Ok();
  }

  Status Value(const FieldSpec& field, const Json& v, const std::string& path,
               const std::string& top_field, Json* out) {
    switch (field.kind) {
      case FieldKind::kString: return String(field, v, path, kMaxString, out);
      case FieldKind::kText: return String(field, v, path, kMaxText, out);
      case FieldKind::kEnum: {
        if (!v.is_string()) return Status::InvalidArgument("must be a string code", path);
        std::string code = v.get<std::string>();
        if (!known_code_(field.vocabulary, code)) {
          return Status::InvalidArgument(
              "'" + code.substr(0, 60) + "' is not a term of the vocabulary '" +
                  field.vocabulary + "'",
              path);
        }
        *out = code;
        return Status::Ok();
      }
      case FieldKind::kDate: {
        if (!v.is_string()) return Status::InvalidArgument("must be a date string", path);
        auto date = FuzzyDate::Parse(v.get<std::string>());
        if (!date.ok()) return Status::InvalidArgument(date.status().message(), path);
        *out = date->ToString();
        return Status::Ok();
      }
      case FieldKind::kInteger: {
        if (!v.is_number_integer() &&
            !(v.is_number_float() && std::floor(v.get<double>()) == v.get<double>())) {
          return Status::InvalidArgument("must be a whole number", path);
        }
        double d = v.get<double>();
        if (d < field.min || d > field.max) {
          return Status::InvalidArgument("must be between " + std::to_string(int64_t(field.min)) +
                                             " and " + std::to_string(int64_t(field.max)),
                                         path);
        }
        *out = static_cast<int64_t>(d);
        return Status::Ok();
      }
      case FieldKind::kNumber: {
        if (!v.is_number()) return Status::InvalidArgument("must be a number", path);
        double d = v.get<double>();
        if (!std::isfinite(d) || d < field.min || d > field.max) {
          return Status::InvalidArgument("is out of range", path);
        }
        *out = d;
        return Status::Ok();
      }
      case FieldKind::kBool:
        if (!v.is_boolean()) return Status::InvalidArgument("must be true or false", path);
        *out = v;
        return Status::Ok();
      case FieldKind::kRef: return Reference(field, v, path, top_field, out);
      case FieldKind::kRefList:
      case FieldKind::kStringList:
      case FieldKind::kObjectList: {
        if (!v.is_array()) return Status::InvalidArgument("must be a list", path);
        if (v.size() > kMaxListItems) {
          return Status::InvalidArgument("has more than 1000 items", path);
        }
        *out = Json::array();
        std::set<std::string> seen;
        for (size_t i = 0; i < v.size(); ++i) {
          std::string item_path = path + "[" + std::to_string(i) + "]";
          Json item;
          if (field.kind == FieldKind::kRefList) {
            KUZOT_RETURN_IF_ERROR(Reference(field, v[i], item_path, top_field, &item));
            if (!seen.insert(item.get<std::string>()).second) {
              return Status::InvalidArgument("is listed twice", item_path);
            }
          } else if (field.kind == FieldKind::kStringList) {
            FieldSpec element = field;
            element.kind = FieldKind::kString;
            KUZOT_RETURN_IF_ERROR(String(element, v[i], item_path, kMaxString, &item));
            if (item.is_null()) continue;
            if (!field.vocabulary.empty()) {
              // A list of codes: each a current term, each once.
              std::string code = item.get<std::string>();
              if (!known_code_(field.vocabulary, code)) {
                return Status::InvalidArgument("'" + code.substr(0, 60) +
                                                   "' is not a term of the vocabulary '" +
                                                   field.vocabulary + "'",
                                               item_path);
              }
              if (!seen.insert(code).second) {
                return Status::InvalidArgument("is listed twice", item_path);
              }
            }
          } else {
            KUZOT_RETURN_IF_ERROR(Object(field.fields, v[i], item_path, top_field, &item));
          }
          out->push_back(std::move(item));
        }
        if (out->empty()) *out = nullptr;
        return Status::Ok();
      }
      case FieldKind::kObject:
        return Object(field.fields, v, path, top_field, out);
    }
    return Status::Internal("unhandled field kind");
  }

  const VocabularyCheck& known_code_;
};

// Rules that span fields.
Status CrossFieldRules(const TypeSpec& type, const Json& body) {
  auto has = [&](const char* f) { return body.contains(f); };
  if (type.name == "event" && has("start_date") && has("end_date")) {
    auto start = FuzzyDate::Parse(body["start_date"].get<std::string>());
    auto end = FuzzyDate::Parse(body["end_date"].get<std::string>());
    if (start.ok() && end.ok() && end->Latest() < start->Earliest()) {
      return Status::InvalidArgument("ends before it starts", "end_date");
    }
  }
  if (type.name == "act") {
    if (!has("victim_person_id") && !has("object")) {
      return Status::InvalidArgument("an act needs a victim person or a destroyed object",
                                     "victim_person_id");
    }
    if (has("perpetrator_unknown") && body["perpetrator_unknown"].get<bool>() &&
        (has("perpetrator_person_id") || has("perpetrator_organization_id"))) {
      return Status::InvalidArgument("the perpetrator is marked unknown but one is given",
                                     "perpetrator_unknown");
    }
  }
  if (type.name == "claim") {
    bool single = has("value");
    bool range = has("value_min") || has("value_max");
    if (single == range) {
      return Status::InvalidArgument("give either value or value_min and value_max", "value");
    }
    if (range) {
      if (!has("value_min") || !has("value_max")) {
        return Status::InvalidArgument("a range needs both value_min and value_max",
                                       has("value_min") ? "value_max" : "value_min");
      }
      if (body["value_min"].get<int64_t>() > body["value_max"].get<int64_t>()) {
        return Status::InvalidArgument("is greater than value_max", "value_min");
      }
    }
  }
  if (type.name == "place" && has("latitude") != has("longitude")) {
    return Status::InvalidArgument("give both latitude and longitude",
                                   has("latitude") ? "longitude" : "latitude");
  }
  return Status::Ok();
}

}  // namespace

Result<ValidatedBody> ValidateBody(const TypeSpec& type, const Json& input,
                                   const VocabularyCheck& known_code) {
  if (!input.is_object()) return Status::InvalidArgument("the body must be a JSON object");
  Validator validator(known_code);
  ValidatedBody out;
  // The default level takes its place in the schema's order, so that a
  // normalised body validates to itself (found by fuzzing).
  const Json* body = &input;
  Json with_default;
  if (!input.contains("confidentiality") || input["confidentiality"].is_null()) {
    with_default = input;
    with_default["confidentiality"] = "internal";
    body = &with_default;
  }
  KUZOT_RETURN_IF_ERROR(validator.Object(type.fields, *body, "", "", &out.body));
  KUZOT_RETURN_IF_ERROR(CrossFieldRules(type, out.body));
  if (type.rules.derive) {
    KUZOT_RETURN_IF_ERROR(type.rules.derive(out.body));
    // Derived fields keep their place in the schema's order.
    Json ordered = Json::object();
    for (const auto& f : type.fields) {
      if (out.body.contains(f.name)) ordered[f.name] = std::move(out.body[f.name]);
    }
    out.body = std::move(ordered);
  }
  out.confidentiality = out.body.value("confidentiality", std::string("internal"));
  out.body["confidentiality"] = out.confidentiality;
  out.references = std::move(validator.references);
  out.search_text = std::move(validator.search_text);
  return out;
}

}  // namespace kuzot::records
