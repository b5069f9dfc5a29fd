// The public HTML page of a published statement: readable without the web
// application or any script, on a slow connection, in the statement's
// languages. Everything from the database is HTML-escaped; the page allows
// no script at all and only its own stylesheet (by hash) in its CSP.
#include <sodium.h>

#include <map>

#include "http/casework_routes.h"
#include "http/error_mapping.h"

namespace kuzot::http {
namespace {

constexpr char kStyle[] =
    "body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;"
    "line-height:1.5;color:#1b1b1b}h1{font-size:1.5rem;line-height:1.3}"
    ".meta{color:#555;font-size:.9rem}nav a{margin-right:.75rem}"
    "ol{padding-left:1.5rem}footer{margin-top:3rem;color:#777;font-size:.8rem}";

// The CSP source for kStyle: 'sha256-<base64 of its SHA-256>'.
std::string StyleHash() {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(kStyle), sizeof kStyle - 1);
  char b64[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES, sodium_base64_VARIANT_ORIGINAL)];
  sodium_bin2base64(b64, sizeof b64, digest, sizeof digest, sodium_base64_VARIANT_ORIGINAL);
  return std::string("'sha256-") + b64 + "'";
}

std::string Escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// Paragraphs at blank lines, line breaks within them.
std::string Paragraphs(const std::string& text) {
  std::string out = "<p>";
  std::string escaped = Escape(text);
  for (size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] == '\r') continue;
    if (escaped[i] == '\n') {
      if (i + 1 < escaped.size() && escaped[i + 1] == '\n') {
        out += "</p>\n<p>";
        while (i + 1 < escaped.size() && (escaped[i + 1] == '\n' || escaped[i + 1] == '\r')) ++i;
      } else {
        out += "<br>\n";
      }
    } else {
      out += escaped[i];
    }
  }
  return out + "</p>";
}

// The page's own words in the three languages.
std::string Word(const std::string& lang, const std::string& key) {
  static const std::map<std::string, std::map<std::string, std::string>> words = {
      {"signed", {{"en", "Signed by"}, {"ru", "Подписали"}, {"ky", "Кол койгондор"}}},
      {"published", {{"en", "Published"}, {"ru", "Опубликовано"}, {"ky", "Жарыяланды"}}},
      {"to", {{"en", "To"}, {"ru", "Адресаты"}, {"ky", "Кимге"}}},
      {"unnamed",
       {{"en", "Organisations that asked not to be named"},
        {"ru", "Организаций, попросивших не называть их"},
        {"ky", "Аты аталбашын өтүнгөн уюмдар"}}},
      {"missing",
       {{"en", "This statement is not published."},
        {"ru", "Это заявление не опубликовано."},
        {"ky", "Бул билдирүү жарыяланган эмес."}}},
  };
  auto it = words.at(key).find(lang);
  return it == words.at(key).end() ? words.at(key).at("en") : it->second;
}

std::string LanguageName(const std::string& code) {
  static const std::map<std::string, std::string> names = {{"en", "English"},
                                                           {"ru", "Русский"},
                                                           {"ky", "Кыргызча"},
                                                           {"uz", "Oʻzbekcha"},
                                                           {"tg", "Тоҷикӣ"}};
  auto it = names.find(code);
  return it == names.end() ? code : it->second;
}

Response Page(int status, const std::string& lang, const std::string& title,
              const std::string& body) {
  static const std::string policy = "default-src 'none'; style-src " + StyleHash() +
                                    "; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
  Response r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = "<!doctype html>\n<html lang=\"" + Escape(lang) +
           "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
           "content=\"width=device-width,initial-scale=1\"><title>" +
           Escape(title) + "</title><style>" + kStyle + "</style></head>\n<body>\n" + body +
           "\n</body></html>\n";
  r.headers.emplace_back("Content-Security-Policy", policy);
  return r;
}

}  // namespace

Response StatementPage(const Result<Json>& statement, const std::string& requested) {
  if (!statement.ok()) {
    std::string lang = requested == "ru" || requested == "ky" ? requested : "en";
    if (statement.status().code() != StatusCode::kNotFound)
      return ErrorResponse(statement.status());
    return Page(404, lang, "Kuzot", "<main><p>" + Escape(Word(lang, "missing")) + "</p></main>");
  }
  const Json& s = statement.value();
  const Json& versions = s["versions"];
  // The text in the language asked for, else the first one.
  const Json* shown = nullptr;
  for (const Json& v : versions) {
    if (v.value("language", "") == requested) shown = &v;
  }
  if (!shown && !versions.empty()) shown = &versions[0];
  std::string lang = shown ? shown->value("language", "en") : "en";
  std::string title = shown && shown->contains("title") ? (*shown)["title"].get<std::string>()
                                                        : s.value("title", "");
  std::string html = "<main>\n";
  if (versions.size() > 1) {
    html += "<nav>";
    for (const Json& v : versions) {
      std::string code = v.value("language", "");
      if (code == lang) continue;
      html += "<a href=\"?lang=" + Escape(code) + "\" hreflang=\"" + Escape(code) + "\">" +
              Escape(LanguageName(code)) + "</a>";
    }
    html += "</nav>\n";
  }
  html += "<h1>" + Escape(title) + "</h1>\n<p class=\"meta\">";
  const Json& type_labels = s["statement_type_labels"];
  html += Escape(type_labels.value(lang, type_labels.value("en", "")));
  if (s.contains("author") && s["author"].is_string()) html += " · " + Escape(s["author"]);
  if (s["published_date"].is_string()) {
    html += " · " + Escape(Word(lang, "published")) + " " + Escape(s["published_date"]);
  }
  html += "</p>\n";
  if (s["addressees"].is_string()) {
    html += "<p><strong>" + Escape(Word(lang, "to")) + ":</strong> " + Escape(s["addressees"]) +
            "</p>\n";
  }
  if (shown) html += Paragraphs(shown->value("text", "")) + "\n";
  const Json& signatories = s["signatories"];
  int unnamed = s.value("unnamed_signatories", 0);
  if (!signatories.empty() || unnamed > 0) {
    html += "<h2>" + Escape(Word(lang, "signed")) + " (" +
            std::to_string(s.value("signatory_count", 0)) + ")</h2>\n<ol>\n";
    for (const Json& sig : signatories) {
      html += "<li>" + Escape(sig.value("name", ""));
      if (sig.contains("signed_date")) {
        html += " <span class=\"meta\">" + Escape(sig["signed_date"]) + "</span>";
      }
      html += "</li>\n";
    }
    html += "</ol>\n";
    if (unnamed > 0) {
      html += "<p class=\"meta\">" + Escape(Word(lang, "unnamed")) + ": " +
              std::to_string(unnamed) + "</p>\n";
    }
  }
  html += "</main>\n<footer>Kuzot</footer>";
  return Page(200, lang, title, html);
}

}  // namespace kuzot::http
