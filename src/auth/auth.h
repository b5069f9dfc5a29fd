// Accounts, sessions, API tokens and the role permission table.
//
// Passwords are hashed with Argon2id (libsodium). Session and API token
// secrets are random 256-bit values; only their SHA-256 is stored. Failed
// logins are slowed and then locked per account and per address, and the
// answers never tell whether an account exists.
//
// Thread safety: one AuthService serves all threads.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/caller.h"
#include "common/status.h"
#include "storage/store.h"

namespace kuzot::auth {

// The roles, most powerful first.
const std::vector<std::string>& Roles();
bool IsRole(std::string_view role);
// Whether `role` grants `permission` (see doc/security.md for the table).
// "public" is granted to everyone, signed in or not.
bool RoleHas(std::string_view role, std::string_view permission);
// Every permission name a route may declare.
const std::vector<std::string>& Permissions();
// What a user of `role` may see.
Caller CallerFor(const std::string& username, const std::string& role);

struct User {
  std::string username;
  std::string display_name;
  std::string role;
  bool disabled = false;
  std::string created_at;
};

struct Session {
  Caller caller;
  User user;
  std::string kind;        // "session" (cookie) or "api" (bearer token)
  std::string csrf_token;  // sessions only
};

struct LoginResult {
  std::string token;  // goes into the cookie; never stored
  Session session;
};

struct ApiToken {
  std::string id;  // first 16 hex digits of the hash; used to revoke
  std::string name;
  std::string username;
  int64_t created_ms = 0;
  bool revoked = false;
};

class AuthService {
 public:
  // `store` must outlive the service.
  explicit AuthService(storage::Store& store);

  // When there is no user yet, creates "admin" with `password`, or with a
  // random one when `password` is empty; returns the password it generated
  // (to print once) or nullopt.
  Result<std::optional<std::string>> EnsureAdmin(const std::string& password);

  // Unauthorized "wrong username or password" for any mismatch, unknown
  // account or disabled account; Unavailable with a wait time while locked.
  Result<LoginResult> Login(const std::string& username, const std::string& password,
                            const std::string& remote);
  Status Logout(const std::string& token, const std::string& remote);
  // A session cookie value or an API bearer token -> who is asking.
  Result<Session> Authenticate(const std::string& token, const std::string& remote);

  Result<User> CreateUser(const Caller& actor, const std::string& username,
                          const std::string& password, const std::string& role,
                          const std::string& display_name);
  Status SetPassword(const Caller& actor, const std::string& username,
                     const std::string& password);
  Result<User> UpdateUser(const Caller& actor, const std::string& username,
                          std::optional<std::string> role, std::optional<bool> disabled,
                          std::optional<std::string> display_name);
  Result<std::vector<User>> ListUsers();

  // Returns the secret once; only its hash is kept.
  Result<std::pair<std::string, ApiToken>> CreateApiToken(const Caller& actor,
                                                          const std::string& name);
  Result<std::vector<ApiToken>> ListApiTokens(const Caller& actor);
  Status RevokeApiToken(const Caller& actor, const std::string& id);

  // Seconds of lock after repeated failures; exposed for tests and docs.
  static constexpr int kFreeAttempts = 3;
  static constexpr int kLockAfter = 10;
  static constexpr int kLockSeconds = 15 * 60;
  static constexpr int64_t kSessionLifetimeMs = 12LL * 3600 * 1000;
  // How long Authenticate may trust a session it found valid without
  // reading the database again. Changes made through this service (logout,
  // revocation, disabling a user, a new password or role) take effect at
  // once; changes made by another process (the kuzot CLI) within this.
  static constexpr int64_t kSessionCacheMs = 1000;

 private:
  struct Throttle {
    int failures = 0;
    int64_t locked_until_ms = 0;
  };
  // Seconds to wait before `key` may try again, 0 when it may try now.
  int64_t WaitSeconds(const std::string& key, int scale);
  void RecordFailure(const std::string& key, int scale);
  void RecordSuccess(const std::string& key);
  Status Audit(storage::Transaction& tx, const Caller& actor, const std::string& action,
               const std::string& target, const std::string& detail);

  // Sessions found valid within kSessionCacheMs, by token hash. An entry
  // is used only while sessions_generation_ is what it was before the
  // database was read for it; every change to tokens or users bumps it
  // (SessionsChanged) after its transaction ends.
  struct CachedSession {
    Session session;
    int64_t expires_ms = 0;  // the token's own end, 0 for none
    std::chrono::steady_clock::time_point checked;
    uint64_t generation = 0;
  };
  class SessionsChanged;

  storage::Store& store_;
  std::mutex sessions_mutex_;
  std::unordered_map<std::string, CachedSession> sessions_;
  uint64_t sessions_generation_ = 0;
  std::string dummy_hash_;  // verified against for unknown accounts: same time
  std::mutex throttle_mutex_;
  std::map<std::string, Throttle> throttles_;  // "user:NAME" and "addr:IP"
};

// Checks a proposed password; InvalidArgument says why it is too weak.
Status CheckPasswordStrength(const std::string& password);

}  // namespace kuzot::auth
