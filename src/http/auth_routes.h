// Sign-in, sessions, users, API tokens and the audit log over HTTP, and the
// authenticator that guards every route.
#pragma once

#include "auth/auth.h"
#include "http/router.h"
#include "storage/store.h"

namespace kuzot::http {

struct AuthOptions {
  bool secure_cookies = false;  // set when served over TLS (or behind a TLS proxy)
};

// Installs the authenticator on `router` and adds the /api/v1/auth,
// /users, /tokens and /audit routes. `auth` and `store` must outlive it.
void AddAuthRoutes(Router& router, auth::AuthService& auth, storage::Store& store,
                   AuthOptions options);

}  // namespace kuzot::http
