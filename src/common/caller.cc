#include "common/caller.h"

namespace kuzot {

const char* ConfidentialityName(Confidentiality level) {
  switch (level) {
    case Confidentiality::kPublic: return "public";
    case Confidentiality::kInternal: return "internal";
    case Confidentiality::kRestricted: return "restricted";
    case Confidentiality::kSecret: return "secret";
  }
  return "secret";
}

std::optional<Confidentiality> ParseConfidentiality(std::string_view name) {
  if (name == "public") return Confidentiality::kPublic;
  if (name == "internal") return Confidentiality::kInternal;
  if (name == "restricted") return Confidentiality::kRestricted;
  if (name == "secret") return Confidentiality::kSecret;
  return std::nullopt;
}

bool Caller::MaySee(std::string_view level) const {
  auto parsed = ParseConfidentiality(level);
  // An unknown level is treated as the most protected.
  return MaySee(parsed.value_or(Confidentiality::kSecret));
}

}  // namespace kuzot
