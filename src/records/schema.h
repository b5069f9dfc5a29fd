// The record types of Kuzot (after the HURIDOCS Events Standard Formats) as
// data: every field with its kind, constraints, vocabulary or reference
// targets. Validation, the API's filters and the OpenAPI document are all
// derived from this one table, so they cannot drift apart.
#pragma once

#include <string>
#include <string_view>
#include <vector>

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
  kStringList,  // list of one-line strings
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
  // Set by the server from something it computed (an evidence file's hash,
  // size, type and metadata): clients may not write it, and updates keep it.
  bool server_set = false;
};

struct TypeSpec {
  std::string name;    // "legal_qualification"
  std::string plural;  // "legal-qualifications", the API path segment
  std::string description;
  std::vector<FieldSpec> fields;  // own fields; common fields are appended
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
