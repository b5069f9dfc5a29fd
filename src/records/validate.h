// Checking a record body against its TypeSpec. Private to the records module.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "records/schema.h"

namespace kuzot::records {

using Json = nlohmann::ordered_json;

// A reference found in a body, to be checked against the store.
struct PendingRef {
  std::string path;   // "victim_person_id", "sources[2].source_id"
  std::string field;  // top-level field it belongs to: "victim_person_id", "sources"
  std::string target_id;
  const std::vector<std::string>* types;
};

struct ValidatedBody {
  Json body;  // normalised: schema order, strings trimmed, empty optionals dropped
  std::vector<PendingRef> references;
  std::string search_text;
  std::string confidentiality;
};

// Answers whether `code` is a current term of `vocabulary`.
using VocabularyCheck = std::function<bool(const std::string& vocabulary, const std::string& code)>;

// Validates `input` as a body of `type`. Envelope fields (id, revision, ...)
// are ignored. Unknown fields, wrong types, missing required fields, bad
// dates, codes outside their vocabulary and cross-field rules give an
// InvalidArgument naming the field.
Result<ValidatedBody> ValidateBody(const TypeSpec& type, const Json& input,
                                   const VocabularyCheck& known_code);

}  // namespace kuzot::records
