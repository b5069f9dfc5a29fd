// Built-in vocabulary terms. Private to the records module.
#pragma once

#include <string>
#include <vector>

namespace kuzot::records {

struct DefaultTerm {
  const char* vocabulary;
  const char* code;
  const char* en;
  const char* ru;
  const char* ky;
};

const std::vector<DefaultTerm>& DefaultVocabularies();
// The casework vocabularies; casework_vocabularies.cc.
const std::vector<DefaultTerm>& CaseworkVocabularies();

}  // namespace kuzot::records
