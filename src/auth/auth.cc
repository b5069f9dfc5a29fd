#include "auth/auth.h"

#include <sodium.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/clock.h"

namespace kuzot::auth {
namespace {

using Json = nlohmann::json;

// Role -> permissions. The table in doc/security.md is this table.
const std::map<std::string, std::vector<std::string>>& Table() {
  static const std::map<std::string, std::vector<std::string>> table = {
      {"admin",
       {"records:read", "records:write", "records:delete", "vocabularies:write", "users:manage",
        "audit:read", "tokens:own", "stats:read", "stats:estimate", "statements:publish"}},
      {"coordinator",
       {"records:read", "records:write", "records:delete", "vocabularies:write", "tokens:own",
        "stats:read", "stats:estimate", "statements:publish"}},
      {"documenter", {"records:read", "records:write", "tokens:own", "stats:read"}},
      {"lawyer", {"records:read", "records:write", "tokens:own", "stats:read"}},
      {"analyst", {"records:read", "tokens:own", "stats:read", "stats:estimate"}},
      {"viewer", {"records:read", "stats:read"}},
  };
  return table;
}

// Evidence files (src/evidence), kept apart so that each part of the
// product adds its own rows: who may upload and download (and preview) them.
const std::map<std::string, std::vector<std::string>>& EvidenceTable() {
  static const std::map<std::string, std::vector<std::string>> table = {
      {"admin", {"evidence:upload", "evidence:download"}},
      {"coordinator", {"evidence:upload", "evidence:download"}},
      {"documenter", {"evidence:upload", "evidence:download"}},
      {"lawyer", {"evidence:upload", "evidence:download"}},
  };
  return table;
}

// Record linkage (src/linkage workbench): reading jobs and the review
// queue; starting jobs and deciding pairs; importing lists and merging
// persons, which write person records.
const std::map<std::string, std::vector<std::string>>& LinkageTable() {
  static const std::map<std::string, std::vector<std::string>> table = {
      {"admin", {"linkage:read", "linkage:review", "linkage:write"}},
      {"coordinator", {"linkage:read", "linkage:review", "linkage:write"}},
      {"documenter", {"linkage:read", "linkage:review", "linkage:write"}},
      {"lawyer", {"linkage:read"}},
      {"analyst", {"linkage:read", "linkage:review"}},
  };
  return table;
}

std::string Sha256Hex(const std::string& data) {
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  char hex[2 * crypto_hash_sha256_BYTES + 1];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return hex;
}

std::string RandomToken(const std::string& prefix) {
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char b64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(b64, sizeof b64, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return prefix + b64;
}

Result<std::string> HashPassword(const std::string& password) {
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hash, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Status::Unavailable("not enough memory to hash the password");
  }
  return std::string(hash);
}

bool VerifyPassword(const std::string& hash, const std::string& password) {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool ValidUsername(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

User ToUser(const storage::UserRow& row) {
  return {row.username, row.display_name, row.role, row.disabled, row.created_at};
}

}  // namespace

const std::vector<std::string>& Roles() {
  static const std::vector<std::string> roles = {"admin",  "coordinator", "documenter",
                                                 "lawyer", "analyst",     "viewer"};
  return roles;
}

bool IsRole(std::string_view role) {
  return std::find(Roles().begin(), Roles().end(), role) != Roles().end();
}

const std::vector<std::string>& Permissions() {
  static const std::vector<std::string> permissions = {
      "public",       "authenticated", "records:read", "records:write", "records:delete",
      "vocabularies:write", "users:manage", "audit:read", "tokens:own",
      "evidence:upload", "evidence:download",
      "linkage:read", "linkage:review", "linkage:write",
      "stats:read", "stats:estimate", "statements:publish"};
  return permissions;
}

bool RoleHas(std::string_view role, std::string_view permission) {
  if (permission == "public") return true;
  auto it = Table().find(std::string(role));
  if (it == Table().end()) return false;
  if (permission == "authenticated") return true;
  if (auto e = EvidenceTable().find(std::string(role)); e != EvidenceTable().end() &&
      std::find(e->second.begin(), e->second.end(), permission) != e->second.end()) {
    return true;
  }
  if (auto l = LinkageTable().find(std::string(role)); l != LinkageTable().end() &&
      std::find(l->second.begin(), l->second.end(), permission) != l->second.end()) {
    return true;
  }
  return std::find(it->second.begin(), it->second.end(), permission) != it->second.end();
}

Caller CallerFor(const std::string& username, const std::string& role) {
  Caller c;
  c.user = username;
  c.role = role;
  if (role == "admin" || role == "coordinator") {
    c.clearance = Confidentiality::kSecret;
  } else if (role == "documenter" || role == "lawyer") {
    c.clearance = Confidentiality::kRestricted;
  } else if (role == "analyst") {
    c.clearance = Confidentiality::kInternal;
  } else {
    c.clearance = Confidentiality::kPublic;
  }
  c.sees_sensitive = c.clearance >= Confidentiality::kRestricted;
  return c;
}

Status CheckPasswordStrength(const std::string& password) {
  if (password.size() < 10) {
    return Status::InvalidArgument("must be at least 10 characters long", "password");
  }
  if (password.size() > 1024) return Status::InvalidArgument("is too long", "password");
  return Status::Ok();
}

AuthService::AuthService(storage::Store& store) : store_(store) {
  auto dummy = HashPassword("not a password of anyone");
  if (dummy.ok()) dummy_hash_ = dummy.value();
}

Status AuthService::Audit(storage::Transaction& tx, const Caller& actor, const std::string& action,
                          const std::string& target, const std::string& detail) {
  storage::AuditEntry e;
  e.at = NowIso8601();
  e.actor = actor.user;
  e.action = action;
  e.target = target;
  e.detail = detail;
  e.remote = actor.remote_address;
  return tx.AppendAudit(e);
}

Result<std::optional<std::string>> AuthService::EnsureAdmin(const std::string& password) {
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_.BeginWrite());
  KUZOT_ASSIGN_OR_RETURN(auto users, tx->ListUsers());
  if (!users.empty()) return std::optional<std::string>();
  std::string chosen = password;
  bool generated = chosen.empty();
  if (generated) chosen = RandomToken("").substr(0, 20);
  KUZOT_RETURN_IF_ERROR(CheckPasswordStrength(chosen));
  KUZOT_ASSIGN_OR_RETURN(std::string hash, HashPassword(chosen));
  std::string now = NowIso8601();
  KUZOT_RETURN_IF_ERROR(tx->PutUser({"admin", "Administrator", "admin", hash, false, 0, 0, now, now}));
  KUZOT_RETURN_IF_ERROR(Audit(*tx, Caller::System(), "user.create", "user/admin",
                              Json{{"role", "admin"}, {"first_run", true}}.dump()));
  KUZOT_RETURN_IF_ERROR(tx->Commit());
  return generated ? std::optional<std::string>(chosen) : std::optional<std::string>();
}

int64_t AuthService::WaitSeconds(const std::string& key, int scale) {
  std::lock_guard<std::mutex> lock(throttle_mutex_);
  auto it = throttles_.find(key);
  if (it == throttles_.end()) return 0;
  int64_t left = it->second.locked_until_ms - NowMillis();
  (void)scale;
  return left > 0 ? (left + 999) / 1000 : 0;
}

void AuthService::RecordFailure(const std::string& key, int scale) {
  std::lock_guard<std::mutex> lock(throttle_mutex_);
  Throttle& t = throttles_[key];
  ++t.failures;
  int free = kFreeAttempts * scale;
  int lock_after = kLockAfter * scale;
  int64_t now = NowMillis();
  if (t.failures >= lock_after) {
    t.locked_until_ms = now + kLockSeconds * 1000LL;
  } else if (t.failures >= free) {
    // Slowed: 1, 2, 4, ... seconds between attempts.
    int step = std::min(t.failures - free, 6);
    t.locked_until_ms = now + (1000LL << step);
  }
  if (throttles_.size() > 100000) throttles_.clear();  // bounded memory under a flood
}

void AuthService::RecordSuccess(const std::string& key) {
  std::lock_guard<std::mutex> lock(throttle_mutex_);
  throttles_.erase(key);
}

Result<LoginResult> AuthService::Login(const std::string& username, const std::string& password,
                                       const std::string& remote) {
  const std::string user_key = "user:" + username.substr(0, 64);
  const std::string addr_key = "addr:" + remote;
  int64_t wait = std::max(WaitSeconds(user_key, 1), WaitSeconds(addr_key, 4));
  Caller actor = Caller::System(username.substr(0, 64));
  actor.remote_address = remote;
  if (wait > 0) {
    KUZOT_ASSIGN_OR_RETURN(auto tx, store_.BeginWrite());
    KUZOT_RETURN_IF_ERROR(Audit(*tx, actor, "login.throttled", "user/" + username.substr(0, 64), "{}"));
    KUZOT_RETURN_IF_ERROR(tx->Commit());
    return Status::Unavailable("too many failed logins; try again in " + std::to_string(wait) +
                               " seconds");
  }
  std::optional<storage::UserRow> row;
  {
    KUZOT_ASSIGN_OR_RETURN(auto tx, store_.BeginRead());
    if (ValidUsername(username)) {
      KUZOT_ASSIGN_OR_RETURN(row, tx->GetUser(username));
    }
  }
  // Verify against a dummy hash for unknown accounts: the same work, the
  // same time, the same answer.
  bool ok = VerifyPassword(row ? row->password_hash : dummy_hash_, password);
  ok = ok && row && !row->disabled;
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_.BeginWrite());
  if (!ok) {
    RecordFailure(user_key, 1);
    RecordFailure(addr_key, 4);
    KUZOT_RETURN_IF_ERROR(Audit(*tx, actor, "login.failed", "user/" + username.substr(0, 64), "{}"));
    KUZOT_RETURN_IF_ERROR(tx->Commit());
    return Status::Unauthorized("wrong username or password");
  }
  RecordSuccess(user_key);
  RecordSuccess(addr_key);
  LoginResult result;
  result.token = RandomToken("kzs_");
  storage::TokenRow token;
  token.token_hash = Sha256Hex(result.token);
  token.kind = "session";
  token.username = row->username;
  token.csrf_token = RandomToken("");
  token.created_ms = NowMillis();
  token.expires_ms = token.created_ms + kSessionLifetimeMs;
  KUZOT_RETURN_IF_ERROR(tx->DeleteExpiredSessions(token.created_ms));
  KUZOT_RETURN_IF_ERROR(tx->PutToken(token));
  KUZOT_RETURN_IF_ERROR(Audit(*tx, actor, "login", "user/" + row->username, "{}"));
  KUZOT_RETURN_IF_ERROR(tx->Commit());
  result.session = {CallerFor(row->username, row->role), ToUser(*row), "session", token.csrf_token};
  result.session.caller.remote_address = remote;
  return result;
}

// Declared first in a function that changes tokens or users: when it
// returns (after its transaction committed or rolled back) no session
// cached before is trusted any more.
class AuthService::SessionsChanged {
 public:
  explicit SessionsChanged(AuthService& service) : service_(service) {}
  ~SessionsChanged() {
    std::lock_guard<std::mutex> lock(service_.sessions_mutex_);
    ++service_.sessions_generation_;
    service_.sessions_.clear();
  }

 private:
  AuthService& service_;
};

Status AuthService::Logout(const std::string& token, const std::string& remote) {
  SessionsChanged changed(*this);
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_.BeginWrite());
  KUZOT_ASSIGN_OR_RETURN(auto row, tx->GetToken(Sha256Hex(token)));
  if (!row || row->kind != "session") return Status::Unauthorized("not signed in");
  row->revoked = true;
  KUZOT_RETURN_IF_ERROR(tx->PutToken(*row));
  Caller actor = Caller::System(row->username);
  actor.remote_address = remote;
  KUZOT_RETURN_IF_ERROR(Audit(*tx, actor, "logout", "user/" + row->username, "{}"));
  return tx->Commit();
}

Result<Session> AuthService::Authenticate(const std::string& token, const std::string& remote) {
  if (token.size() < 10 || token.size() > 200) return Status::Unauthorized("sign in first");
  std::string hash = Sha256Hex(token);
  auto now = std::chrono::steady_clock::now();
  uint64_t generation;
  {
    std::lock_guard<std::mutex> lock(sessions_mutex_);
    generation = sessions_generation_;
    auto it = sessions_.find(hash);
    if (it != sessions_.end() && it->second.generation == generation &&
        now - it->second.checked < std::chrono::milliseconds(kSessionCacheMs) &&
        (!it->second.expires_ms || it->second.expires_ms >= NowMillis())) {
      Session s = it->second.session;
      s.caller.remote_address = remote;
      return s;
    }
  }
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_.BeginRead());
  KUZOT_ASSIGN_OR_RETURN(auto row, tx->GetToken(hash));
  if (!row || row->revoked || (row->expires_ms && row->expires_ms < NowMillis())) {
    return Status::Unauthorized("the session has ended; sign in again");
  }
  KUZOT_ASSIGN_OR_RETURN(auto user, tx->GetUser(row->username));
  if (!user || user->disabled) return Status::Unauthorized("the session has ended; sign in again");
  Session s{CallerFor(user->username, user->role), ToUser(*user), row->kind, row->csrf_token};
  {
    std::lock_guard<std::mutex> lock(sessions_mutex_);
    // Many distinct tokens (a scan): start over rather than grow.
    if (sessions_.size() >= 10000) sessions_.clear();
    sessions_[hash] = CachedSession{s, row->expires_ms, now, generation};
  }
  s.caller.remote_address = remote;
  return s;
}

Result<User> AuthService::CreateUser(const Caller& actor, const std::string& username,
                                     const std::string& password, const std::string& role,
                                     const std::string& display_name) {
  if (!ValidUsername(username)) {
    return Status::InvalidArgument("use 1-64 letters, digits, '.', '_' or '-'", "username");
  }
  if (!IsRole(role)) {
    return Status::InvalidArgument(
        "must be one of admin, coordinator, documenter, lawyer, analyst, viewer", "role");
  }
  if (display_name.size() > 200) return Status::InvalidArgument("is too long", "display_name");
  KUZOT_RETURN_IF_ERROR(CheckPasswordStrength(password));
  KUZOT_ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_.BeginWrite());
  KUZOT_ASSIGN_OR_RETURN(auto existing, tx->GetUser(username));
  if (existing) return Status::Conflict("there is already a user with that name", "username");
  std::string now = NowIso8601();
  storage::UserRow row{username, display_name.empty() ? username : display_name, role, hash,
                       false, 0, 0, now, now};
  KUZOT_RETURN_IF_ERROR(tx->PutUser(row));
  KUZOT_RETURN_IF_ERROR(Audit(*tx, actor, "user.create", "user/" + username,
                              Json{{"role", role}}.dump()));
  KUZOT_RETURN_IF_ERROR(tx->Commit());
  return ToUser(row);
}

Status AuthService::SetPassword(const Caller& actor, const std::string& username,
                                const std::string& password) {
  SessionsChanged changed(*this);
  KUZOT_RETURN_IF_ERROR(CheckPasswordStrength(password));
  KUZOT_ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_.BeginWrite());
  KUZOT_ASSIGN_OR_RETURN(auto row, tx->GetUser(username));
  if (!row) return Status::NotFound("there is no user '" + username.substr(0, 64) + "'");
  row->password_hash = hash;
  row->updated_at = NowIso8601();
  KUZOT_RETURN_IF_ERROR(tx->PutUser(*row));
  // A new password ends every session of the account.
  KUZOT_ASSIGN_OR_RETURN(auto sessions, tx->ListTokens(username, "session"));
  for (auto& s : sessions) {
    s.revoked = true;
    KUZOT_RETURN_IF_ERROR(tx->PutToken(s));
  }
  KUZOT_RETURN_IF_ERROR(Audit(*tx, actor, "user.password", "user/" + username, "{}"));
  return tx->Commit();
}

Result<User> AuthService::UpdateUser(const Caller& actor, const std::string& username,
                                     std::optional<std::string> role, std::optional<bool> disabled,
                                     std::optional<std::string> display_name) {
  SessionsChanged changed(*this);
  if (role && !IsRole(*role)) {
    return Status::InvalidArgument(
        "must be one of admin, coordinator, documenter, lawyer, analyst, viewer", "role");
  }
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_.BeginWrite());
  KUZOT_ASSIGN_OR_RETURN(auto row, tx->GetUser(username));
  if (!row) return Status::NotFound("there is no user '" + username.substr(0, 64) + "'");
  Json detail = Json::object();
  if (role && *role != row->role) {
    detail["role"] = {{"before", row->role}, {"after", *role}};
    row->role = *role;
  }
  if (disabled && *disabled != row->disabled) {
    detail["disabled"] = *disabled;
    row->disabled = *disabled;
  }
  if (display_name) row->display_name = *display_name;
  if (row->username == actor.user && (row->disabled || row->role != "admin") &&
      actor.role == "admin") {
    return Status::Conflict("you cannot disable yourself or take away your own admin role");
  }
  row->updated_at = NowIso8601();
  KUZOT_RETURN_IF_ERROR(tx->PutUser(*row));
  KUZOT_RETURN_IF_ERROR(Audit(*tx, actor, "user.update", "user/" + username, detail.dump()));
  KUZOT_RETURN_IF_ERROR(tx->Commit());
  return ToUser(*row);
}

Result<std::vector<User>> AuthService::ListUsers() {
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_.BeginRead());
  KUZOT_ASSIGN_OR_RETURN(auto rows, tx->ListUsers());
  std::vector<User> out;
  for (const auto& r : rows) out.push_back(ToUser(r));
  return out;
}

Result<std::pair<std::string, ApiToken>> AuthService::CreateApiToken(const Caller& actor,
                                                                     const std::string& name) {
  if (name.empty() || name.size() > 200) {
    return Status::InvalidArgument("give the token a name of up to 200 characters", "name");
  }
  std::string secret = RandomToken("kzt_");
  storage::TokenRow row;
  row.token_hash = Sha256Hex(secret);
  row.kind = "api";
  row.username = actor.user;
  row.name = name;
  row.created_ms = NowMillis();
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_.BeginWrite());
  KUZOT_RETURN_IF_ERROR(tx->PutToken(row));
  KUZOT_RETURN_IF_ERROR(Audit(*tx, actor, "token.create", "user/" + actor.user,
                              Json{{"token", row.token_hash.substr(0, 16)}, {"name", name}}.dump()));
  KUZOT_RETURN_IF_ERROR(tx->Commit());
  return std::make_pair(secret, ApiToken{row.token_hash.substr(0, 16), name, actor.user,
                                         row.created_ms, false});
}

Result<std::vector<ApiToken>> AuthService::ListApiTokens(const Caller& actor) {
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_.BeginRead());
  KUZOT_ASSIGN_OR_RETURN(auto rows, tx->ListTokens(actor.user, "api"));
  std::vector<ApiToken> out;
  for (const auto& r : rows) {
    out.push_back({r.token_hash.substr(0, 16), r.name, r.username, r.created_ms, r.revoked});
  }
  return out;
}

Status AuthService::RevokeApiToken(const Caller& actor, const std::string& id) {
  SessionsChanged changed(*this);
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_.BeginWrite());
  KUZOT_ASSIGN_OR_RETURN(auto rows, tx->ListTokens(actor.user, "api"));
  for (auto& r : rows) {
    if (r.token_hash.substr(0, 16) == id && !id.empty()) {
      r.revoked = true;
      KUZOT_RETURN_IF_ERROR(tx->PutToken(r));
      KUZOT_RETURN_IF_ERROR(Audit(*tx, actor, "token.revoke", "user/" + actor.user,
                                  Json{{"token", id}}.dump()));
      return tx->Commit();
    }
  }
  return Status::NotFound("you have no token with that id");
}

}  // namespace kuzot::auth
