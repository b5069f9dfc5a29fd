// Who is asking, and what they may see. Produced by the auth module from a
// session or token; consumed by every service.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kuzot {

// Record confidentiality, in increasing order of protection.
enum class Confidentiality { kPublic = 0, kInternal = 1, kRestricted = 2, kSecret = 3 };

// "public", "internal", "restricted", "secret".
const char* ConfidentialityName(Confidentiality level);
std::optional<Confidentiality> ParseConfidentiality(std::string_view name);

struct Caller {
  std::string user = "system";
  std::string role = "admin";
  // The most protected level this caller may open.
  Confidentiality clearance = Confidentiality::kSecret;
  // Whether sensitive fields (contacts, addresses, identity of witnesses
  // and sources) are shown to this caller.
  bool sees_sensitive = true;
  std::string remote_address;

  bool MaySee(Confidentiality level) const { return level <= clearance; }
  bool MaySee(std::string_view level) const;

  // The command line and internal jobs act with full access.
  static Caller System(std::string name = "system") {
    Caller c;
    c.user = std::move(name);
    return c;
  }
  // Nobody signed in: public records only, no sensitive field.
  static Caller Anonymous() {
    Caller c;
    c.user = "";
    c.role = "";
    c.clearance = Confidentiality::kPublic;
    c.sees_sensitive = false;
    return c;
  }
};

}  // namespace kuzot
