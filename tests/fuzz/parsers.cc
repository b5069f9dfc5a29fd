// Targets over parsers that need no database.
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string_view>

#include "common/fuzzy_date.h"
#include "crypto/crypto.h"
#include "http/router.h"
#include "records/schema.h"
#include "records/validate.h"
#include "tabular/tabular.h"
#include "targets.h"

namespace kuzot::fuzz {
namespace {

std::string_view Text(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

}  // namespace

// The first byte picks the record type; the rest is the body as a client
// sends it. Parsed the way the handlers parse (nlohmann, exceptions
// caught), then validated; a valid body must stay valid and unchanged when
// validated again, and must serialise (it is what gets stored).
int JsonBody(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const auto& types = records::RecordTypes();
  const records::TypeSpec& type = types[data[0] % types.size()];
  records::Json body;
  try {
    body = records::Json::parse(Text(data + 1, size - 1));
  } catch (const records::Json::exception&) {
    return 0;  // the handler answers 400 "malformed JSON at byte N"
  }
  auto known = [](const std::string&, const std::string& code) {
    return !code.empty() && code.size() < 24 && code != "unknown";
  };
  auto valid = records::ValidateBody(type, body, known);
  if (!valid.ok()) {
    Check(!valid.status().message().empty(), "a validation error without a message");
    Check(valid.status().code() == StatusCode::kInvalidArgument,
          "a validation error that is not 400");
    return 0;
  }
  auto again = records::ValidateBody(type, valid->body, known);
  Check(again.ok(), "a normalised body no longer validates");
  Check(again->body == valid->body, "validating a normalised body changed it");
  std::string stored = valid->body.dump(-1, ' ', false, records::Json::error_handler_t::strict);
  Check(records::Json::parse(stored) == valid->body, "a stored body does not read back");
  return 0;
}

// A date that parses prints as itself, parses back equal, and spans a
// non-empty range of days.
int FuzzyDates(const uint8_t* data, size_t size) {
  std::string_view text = Text(data, size);
  auto date = FuzzyDate::Parse(text);
  if (!date.ok()) {
    Check(date.status().code() == StatusCode::kInvalidArgument, "a date error that is not 400");
    return 0;
  }
  std::string printed = date->ToString();
  auto again = FuzzyDate::Parse(printed);
  Check(again.ok() && again.value() == date.value(), "a date does not survive printing");
  Check(date->Earliest() <= date->Latest(), "a date ends before it starts");
  Check(date->Earliest().size() == 10 && date->Latest().size() == 10, "a bound is not YYYY-MM-DD");
  return 0;
}

// Query strings and paths as the server splits them: decoding never grows
// the text, and every pair comes from the input.
int QueryStrings(const uint8_t* data, size_t size) {
  std::string_view text = Text(data, size);
  for (bool plus : {false, true}) {
    Check(http::UrlDecode(text, plus).size() <= text.size(), "decoding grew the text");
  }
  auto pairs = http::ParseQuery(text);
  size_t total = 0;
  for (const auto& [k, v] : pairs) total += k.size() + v.size();
  Check(total <= text.size(), "the query has more text than the input");
  http::Request request;
  http::SplitTarget(text, &request);
  Check(request.path.size() <= text.size(), "the path is longer than the target");
  return 0;
}

// CSV and XLSX as people upload them: read whole, or refused naming the
// file; every row is as wide as the header, whose names are unique.
int Tabular(const uint8_t* data, size_t size) {
  std::string_view bytes = Text(data, size);
  tabular::ReadOptions options;
  options.max_bytes = 1 << 20;
  for (bool xlsx : {false, true}) {
    auto table = xlsx ? tabular::ReadXlsx(bytes, "fuzz.xlsx", options)
                      : tabular::ReadCsv(bytes, "fuzz.csv", options);
    if (!table.ok()) {
      // A clear 4xx: 400 for a malformed file, 413 for one over the limits.
      Check(table.status().code() == StatusCode::kInvalidArgument ||
                table.status().code() == StatusCode::kTooLarge,
            "a table error that is neither 400 nor 413", table.status().message());
      Check(table.status().message().find(xlsx ? "fuzz.xlsx" : "fuzz.csv") != std::string::npos,
            "a table error that does not name the file");
      continue;
    }
    std::set<std::string> names(table->header.begin(), table->header.end());
    Check(names.size() == table->header.size(), "repeated column names");
    for (const auto& row : table->rows) {
      Check(row.size() == table->header.size(), "a row narrower or wider than the header");
    }
    Check(table->rows.size() == table->row_numbers.size(), "rows without numbers");
  }
  return 0;
}

// Anything an attacker could put where Kuzot reads sealed data: a sealed
// field, a sealed file, the keyring file. The first byte picks which.
int Sealed(const uint8_t* data, size_t size) {
  static const std::string dir = ScratchDir("sealed");
  static const std::string key_file = dir + "/key";
  static const std::unique_ptr<crypto::Keyring> keyring = [] {
    std::filesystem::create_directories(dir + "/data");
    Check(crypto::CreateKeyFile(key_file).ok(), "cannot create the key file");
    return crypto::Keyring::Create(dir + "/data", crypto::KeySource::KeyFile(key_file)).value();
  }();
  if (size < 1) return 0;
  std::string rest(Text(data + 1, size - 1));
  switch (data[0] % 4) {
    case 0: {
      auto opened = keyring->Open(rest, "record");
      Check(!opened.ok(), "an arbitrary string opened as a sealed value");
      (void)crypto::Keyring::SealedGeneration(rest);
      break;
    }
    case 1:
    case 2: {
      std::istringstream in(rest);
      auto reader = crypto::StreamReader::Begin(data[0] % 4 == 1 ? keyring.get() : nullptr, in,
                                                "evidence", "");
      if (!reader.ok()) break;
      for (int chunks = 0; !reader.value()->done() && chunks < 64; ++chunks) {
        if (!reader.value()->Read().ok()) break;
      }
      break;
    }
    case 3: {
      std::string other = dir + "/other";
      std::filesystem::create_directories(other);
      std::ofstream(other + "/keyring.json", std::ios::binary | std::ios::trunc) << rest;
      auto opened = crypto::Keyring::Open(other, crypto::KeySource::KeyFile(key_file));
      Check(!opened.ok(), "a forged keyring opened");
      break;
    }
  }
  return 0;
}

}  // namespace kuzot::fuzz
