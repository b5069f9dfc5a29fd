#include "http/auth_routes.h"

#include "http/error_mapping.h"

namespace kuzot::http {
namespace {

constexpr char kCookie[] = "kuzot_session";

std::string CookieValue(const std::string& header, const std::string& name) {
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    std::string part = header.substr(pos, end - pos);
    size_t b = part.find_first_not_of(' ');
    if (b != std::string::npos) part = part.substr(b);
    if (part.rfind(name + "=", 0) == 0) return part.substr(name.size() + 1);
    pos = end + 1;
  }
  return {};
}

Json UserJson(const auth::User& u) {
  return {{"username", u.username},
          {"display_name", u.display_name},
          {"role", u.role},
          {"disabled", u.disabled},
          {"created_at", u.created_at}};
}

Result<Json> JsonBody(const Request& r) {
  if (r.Header("content-type").find("application/json") == std::string::npos) {
    return Status::InvalidArgument("send the body as application/json", "content-type");
  }
  Json body = Json::parse(r.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return Status::InvalidArgument("the body must be a JSON object");
  }
  return body;
}

Result<std::string> StringField(const Json& body, const char* name, bool required = true) {
  if (!body.contains(name)) {
    if (required) return Status::InvalidArgument("is required", name);
    return std::string();
  }
  if (!body[name].is_string()) return Status::InvalidArgument("must be a string", name);
  return body[name].get<std::string>();
}

Status OnlyFields(const Json& body, std::initializer_list<const char*> allowed) {
  for (const auto& [k, v] : body.items()) {
    bool ok = false;
    for (const char* a : allowed) ok |= k == a;
    if (!ok) return Status::InvalidArgument("unknown field", k);
  }
  return Status::Ok();
}

Json AuditJson(const storage::AuditEntry& e) {
  Json detail = Json::parse(e.detail, nullptr, false);
  return {{"seq", e.seq},       {"at", e.at},         {"actor", e.actor},
          {"action", e.action}, {"target", e.target}, {"detail", detail},
          {"remote", e.remote}, {"hash", e.hash}};
}

}  // namespace

void AddAuthRoutes(Router& router, auth::AuthService& auth, storage::Store& store,
                   AuthOptions options) {
  router.SetAuthenticator([&auth](Request& r, const std::string& permission) -> Status {
    std::string token = CookieValue(r.Header("cookie"), kCookie);
    std::string kind_hint = "session";
    std::string bearer = r.Header("authorization");
    if (bearer.rfind("Bearer ", 0) == 0) {
      token = bearer.substr(7);
      kind_hint = "api";
    }
    if (!token.empty()) {
      auto session = auth.Authenticate(token, r.remote_address);
      if (session.ok()) {
        r.caller = session->caller;
        r.session_kind = session->kind;
        r.csrf_token = session->csrf_token;
        r.session_token = token;
      } else if (permission != "public") {
        return session.status();
      }
    }
    if (permission == "public") return Status::Ok();
    if (r.session_kind.empty()) return Status::Unauthorized("sign in first");
    if (!auth::RoleHas(r.caller.role, permission)) {
      return Status::Forbidden("your role (" + r.caller.role + ") may not do this");
    }
    // Cookies ride along with any request the browser makes; a state change
    // must also prove it comes from our own page.
    bool changes = r.method != "GET" && r.method != "HEAD";
    if (changes && r.session_kind == "session" && r.Header("x-csrf-token") != r.csrf_token) {
      return Status::Forbidden("missing or wrong X-CSRF-Token header");
    }
    return Status::Ok();
  });

  router.Add({"POST", "/api/v1/auth/login", "public", "Sign in; sets the session cookie",
              [&auth, options](Request& r) {
                auto body = JsonBody(r);
                if (!body.ok()) return ErrorResponse(body.status());
                auto username = StringField(body.value(), "username");
                if (!username.ok()) return ErrorResponse(username.status());
                auto password = StringField(body.value(), "password");
                if (!password.ok()) return ErrorResponse(password.status());
                auto result = auth.Login(username.value(), password.value(), r.remote_address);
                if (!result.ok()) {
                  Response e = ErrorResponse(result.status(),
                                             result.status().code() == StatusCode::kUnavailable
                                                 ? 429
                                                 : 0);
                  return e;
                }
                Response res = Response::JsonBody(
                    200, {{"user", UserJson(result->session.user)},
                          {"csrf_token", result->session.csrf_token}});
                std::string cookie = std::string(kCookie) + "=" + result->token +
                                     "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                                     std::to_string(auth::AuthService::kSessionLifetimeMs / 1000);
                if (options.secure_cookies) cookie += "; Secure";
                res.headers.emplace_back("Set-Cookie", cookie);
                return res;
              }});
  router.Add({"GET", "/api/v1/auth/me", "authenticated", "Who is signed in, and the CSRF token",
              [&auth](Request& r) {
                auto session = auth.Authenticate(r.session_token, r.remote_address);
                if (!session.ok()) return ErrorResponse(session.status());
                Json out = {{"user", UserJson(session->user)},
                            {"clearance", ConfidentialityName(r.caller.clearance)},
                            {"sees_sensitive", r.caller.sees_sensitive}};
                if (r.session_kind == "session") out["csrf_token"] = r.csrf_token;
                return Response::JsonBody(200, out);
              }});
  router.Add({"POST", "/api/v1/auth/logout", "authenticated", "Sign out; ends the session",
              [&auth](Request& r) {
                if (r.session_kind != "session") {
                  return ErrorResponse(Status::InvalidArgument("only a cookie session signs out"));
                }
                Status s = auth.Logout(r.session_token, r.remote_address);
                if (!s.ok()) return ErrorResponse(s);
                Response res = Response::JsonBody(200, {{"signed_out", true}});
                res.headers.emplace_back(
                    "Set-Cookie",
                    std::string(kCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
                return res;
              }});

  router.Add({"GET", "/api/v1/users", "users:manage", "Every user account",
              [&auth](Request&) {
                auto users = auth.ListUsers();
                if (!users.ok()) return ErrorResponse(users.status());
                Json items = Json::array();
                for (const auto& u : users.value()) items.push_back(UserJson(u));
                return Response::JsonBody(200, {{"items", items}});
              }});
  router.Add({"POST", "/api/v1/users", "users:manage", "Create a user account",
              [&auth](Request& r) {
                auto body = JsonBody(r);
                if (!body.ok()) return ErrorResponse(body.status());
                Status fields =
                    OnlyFields(body.value(), {"username", "password", "role", "display_name"});
                if (!fields.ok()) return ErrorResponse(fields);
                auto username = StringField(body.value(), "username");
                auto password = StringField(body.value(), "password");
                auto role = StringField(body.value(), "role");
                auto display = StringField(body.value(), "display_name", false);
                for (const auto* f : {&username, &password, &role, &display}) {
                  if (!f->ok()) return ErrorResponse(f->status());
                }
                auto user = auth.CreateUser(r.caller, username.value(), password.value(),
                                            role.value(), display.value());
                if (!user.ok()) return ErrorResponse(user.status());
                return Response::JsonBody(201, UserJson(user.value()));
              }});
  router.Add({"PATCH", "/api/v1/users/{username}", "users:manage",
              "Change a user's role, name, or disable the account",
              [&auth](Request& r) {
                auto body = JsonBody(r);
                if (!body.ok()) return ErrorResponse(body.status());
                Status fields = OnlyFields(body.value(), {"role", "disabled", "display_name"});
                if (!fields.ok()) return ErrorResponse(fields);
                const Json& b = body.value();
                std::optional<std::string> role, display;
                std::optional<bool> disabled;
                if (b.contains("role")) {
                  if (!b["role"].is_string()) {
                    return ErrorResponse(Status::InvalidArgument("must be a string", "role"));
                  }
                  role = b["role"].get<std::string>();
                }
                if (b.contains("display_name")) {
                  if (!b["display_name"].is_string()) {
                    return ErrorResponse(Status::InvalidArgument("must be a string", "display_name"));
                  }
                  display = b["display_name"].get<std::string>();
                }
                if (b.contains("disabled")) {
                  if (!b["disabled"].is_boolean()) {
                    return ErrorResponse(Status::InvalidArgument("must be true or false", "disabled"));
                  }
                  disabled = b["disabled"].get<bool>();
                }
                auto user = auth.UpdateUser(r.caller, r.params["username"], role, disabled, display);
                if (!user.ok()) return ErrorResponse(user.status());
                return Response::JsonBody(200, UserJson(user.value()));
              }});
  router.Add({"PUT", "/api/v1/users/{username}/password", "users:manage",
              "Set a user's password (ends their sessions)",
              [&auth](Request& r) {
                auto body = JsonBody(r);
                if (!body.ok()) return ErrorResponse(body.status());
                auto password = StringField(body.value(), "password");
                if (!password.ok()) return ErrorResponse(password.status());
                Status s = auth.SetPassword(r.caller, r.params["username"], password.value());
                if (!s.ok()) return ErrorResponse(s);
                return Response::JsonBody(200, {{"changed", true}});
              }});

  router.Add({"GET", "/api/v1/tokens", "tokens:own", "Your API tokens (never their secrets)",
              [&auth](Request& r) {
                auto tokens = auth.ListApiTokens(r.caller);
                if (!tokens.ok()) return ErrorResponse(tokens.status());
                Json items = Json::array();
                for (const auto& t : tokens.value()) {
                  items.push_back({{"id", t.id}, {"name", t.name}, {"created_ms", t.created_ms},
                                   {"revoked", t.revoked}});
                }
                return Response::JsonBody(200, {{"items", items}});
              }});
  router.Add({"POST", "/api/v1/tokens", "tokens:own",
              "Create an API token for scripts; the secret is shown once",
              [&auth](Request& r) {
                auto body = JsonBody(r);
                if (!body.ok()) return ErrorResponse(body.status());
                auto name = StringField(body.value(), "name");
                if (!name.ok()) return ErrorResponse(name.status());
                auto token = auth.CreateApiToken(r.caller, name.value());
                if (!token.ok()) return ErrorResponse(token.status());
                return Response::JsonBody(201, {{"id", token->second.id},
                                                {"name", token->second.name},
                                                {"token", token->first}});
              }});
  router.Add({"DELETE", "/api/v1/tokens/{id}", "tokens:own", "Revoke one of your API tokens",
              [&auth](Request& r) {
                Status s = auth.RevokeApiToken(r.caller, r.params["id"]);
                if (!s.ok()) return ErrorResponse(s);
                return Response::JsonBody(200, {{"revoked", true}});
              }});

  router.Add({"GET", "/api/v1/audit", "audit:read",
              "The audit log, filtered by actor, action, target and time",
              [&store](Request& r) {
                storage::AuditQuery q;
                q.actor = r.Query("actor").value_or("");
                q.action = r.Query("action").value_or("");
                q.target = r.Query("target").value_or("");
                q.since = r.Query("since").value_or("");
                q.until = r.Query("until").value_or("");
                std::string after = r.Query("after").value_or("0");
                std::string limit = r.Query("limit").value_or("100");
                char* end = nullptr;
                q.after_seq = std::strtoll(after.c_str(), &end, 10);
                if (after.empty() || *end) {
                  return ErrorResponse(Status::InvalidArgument("must be a whole number", "after"));
                }
                q.limit = static_cast<int>(std::strtol(limit.c_str(), &end, 10));
                if (limit.empty() || *end || q.limit < 1 || q.limit > 1000) {
                  return ErrorResponse(Status::InvalidArgument("must be 1..1000", "limit"));
                }
                auto tx = store.BeginRead();
                if (!tx.ok()) return ErrorResponse(tx.status());
                auto entries = tx.value()->ListAudit(q);
                if (!entries.ok()) return ErrorResponse(entries.status());
                Json items = Json::array();
                for (const auto& e : entries.value()) items.push_back(AuditJson(e));
                return Response::JsonBody(200, {{"items", items}});
              }});
}

}  // namespace kuzot::http
