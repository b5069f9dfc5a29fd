// The record types of Kuzot (after the HURIDOCS Events Standard Formats) as
// data: every field with its kind, constraints, vocabulary or reference
// targets. Validation, the API's filters and the OpenAPI document are all
// derived from this one table, so they cannot drift apart.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace kuzot::records {

enum class FieldKind {
  kString,      // one line of text, up to 1,000 characters
  kText,        // free text, up to 100,000 characters
  kEnum,        // a code from `vocabulary`
  kDate,        // a fuzzy date: YYYY, YYYY-MM or YYYY-MM-DD
  kInteger,     // whole number within [min, max]
  kNumber,      // number within [min, max]
  kBool,
  kRef,         // the id of a record of one of `ref_types`
  kRefList,     // ids of records of `ref_types`, no repeats
  kStringList,  // list of one-line strings; codes of `vocabulary` when it is set
  kObject,      // nested object with `fields`
  kObjectList,  // list of nested objects with `fields`
};

struct FieldSpec {
  std::string name;
  FieldKind kind = FieldKind::kString;
  std::string description;
  bool required = false;
  std::string vocabulary;              // kEnum
  std::vector<std::string> ref_types;  // kRef, kRefList
  double min = -1e15;                  // kInteger, kNumber
  double max = 1e15;
  std::vector<FieldSpec> fields;  // kObject, kObjectList
  bool searchable = false;        // its text goes into the full-text index
  bool filterable = false;        // usable as ?name=value on lists
  // Contacts, addresses, identities of witnesses and sources: shown only to
  // callers who see sensitive fields, never put in the full-text index.
  bool sensitive = false;
  // Who writes the field. kDerived: computed from the record's other fields
  // on every write (a client may omit it or send the value the server would
  // compute). kServer: set only by the server from what it computed (an
  // evidence file's hash, size and metadata; a sent submission's frozen
  // package); client writes keep the stored value and refuse another.
  enum class Writer { kClient, kDerived, kServer };
  Writer written_by = Writer::kClient;
};

// Rules a record type adds to the checks its fields imply.
struct TypeRules {
  // Runs on every validated body, from the API and from bundles: checks
  // rules that span fields and fills derived fields. InvalidArgument names
  // the field at fault.
  std::function<Status(nlohmann::ordered_json& body)> derive;
  // Runs on API writes once the stored server-set fields are carried over:
  // rules about what may change. `before` is null on create; `by_server`
  // is true for the server's own actions.
  std::function<Status(const nlohmann::ordered_json& before, const nlohmann::ordered_json& after,
                       bool by_server)>
      guard;
};

struct TypeSpec {
  std::string name;    // "legal_qualification"
  std::string plural;  // "legal-qualifications", the API path segment
  std::string description;
  std::vector<FieldSpec> fields;  // own fields; common fields are appended
  TypeRules rules{};
};

// Every record type, each with the common fields (confidentiality, sources)
// already appended.
const std::vector<TypeSpec>& RecordTypes();

// The type with this name or plural, or nullptr.
const TypeSpec* FindType(std::string_view name_or_plural);

// The field named `name` in `fields`, or nullptr.
const FieldSpec* FindField(const std::vector<FieldSpec>& fields, std::string_view name);

// Envelope fields every record carries and only the server writes.
const std::vector<std::string>& EnvelopeFields();

}  // namespace kuzot::records
