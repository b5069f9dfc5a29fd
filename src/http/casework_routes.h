// Routes of the casework views and actions (deadlines, consultation counts
// and conversion, recommendation dashboard, changes and import, statement
// publication, signatory lists and the public statement page, submission
// sending and packages). See doc/casework.md.
#pragma once

#include "casework/casework.h"
#include "http/router.h"

namespace kuzot::http {

// Adds the casework routes. `casework` must outlive the router.
void AddCaseworkRoutes(Router& router, casework::CaseworkService& casework);

// The public HTML page of a published statement (no sign-in), in `lang`
// when the statement has a text in it. Sets its own strict
// Content-Security-Policy: no script, only the page's own style.
Response StatementPage(const Result<Json>& statement, const std::string& lang);

}  // namespace kuzot::http
