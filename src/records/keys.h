// Records that refer to each other before they have ids: bundles and
// intakes name a record by "key" and refer to it as "@key".
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "common/status.h"

namespace kuzot::records {

// Replaces every "@key" string anywhere in `value` by the id `ids` gives the
// key; InvalidArgument naming `path` (extended with ".field" and "[i]") for
// a key `ids` does not have.
Status ResolveKeys(nlohmann::ordered_json& value, const std::map<std::string, std::string>& ids,
                   const std::string& path);

}  // namespace kuzot::records
