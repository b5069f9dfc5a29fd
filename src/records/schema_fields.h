// Shorthands for declaring fields in the schema tables (schema.cc and the
// per-area schema files). Private to the records module.
#pragma once

#include <string>
#include <vector>

#include "records/schema.h"

namespace kuzot::records {
namespace fields {

FieldSpec Make(std::string name, FieldKind kind, std::string description);
// One line of text; not searchable unless wrapped in Searchable().
FieldSpec Str(std::string name, std::string description, bool required = false);
// Free text, searchable.
FieldSpec Text(std::string name, std::string description);
// A code of `vocabulary`, filterable.
FieldSpec Enum(std::string name, std::string vocabulary, std::string description,
               bool required = false);
FieldSpec Date(std::string name, std::string description);
FieldSpec Int(std::string name, double min, double max, std::string description);
FieldSpec Num(std::string name, double min, double max, std::string description);
FieldSpec Bool(std::string name, std::string description);
FieldSpec Ref(std::string name, std::vector<std::string> types, std::string description,
              bool required = false);
FieldSpec Refs(std::string name, std::vector<std::string> types, std::string description);
// A list of one-line strings, searchable.
FieldSpec Strings(std::string name, std::string description);
FieldSpec Searchable(FieldSpec f);
FieldSpec Sensitive(FieldSpec f);
FieldSpec Filterable(FieldSpec f);
// Written only by the server (FieldSpec::Writer::kServer).
FieldSpec ServerSet(FieldSpec f);

}  // namespace fields

// Appends the casework record types (case, consultation, recommendation,
// statement, mission, submission); schema_casework.cc.
void AppendCaseworkTypes(std::vector<TypeSpec>& types);

}  // namespace kuzot::records
