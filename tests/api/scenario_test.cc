// Data-driven API scenarios: each file in tests/api/scenarios/ has a name,
// a description and steps run against a fresh kuzot server:
//
//   POST /api/v1/events            request line
//   > content-type: text/plain     optional headers
//   {"title": "Batken"}            optional body, up to the "=>" line
//   => 201 {"title": "Batken"}     status, and a JSON subset the answer must contain
//   save event = id                remember a value of the answer (dotted path, [i])
//   count items = 3                the array at a path has this many elements
//   contains some text             the raw answer contains this text
//   lacks some text                the raw answer does not contain it
//   as documenter                  from here on act as a user of that role
//                                  (admin, a role name, or nobody)
//
// ${name} is replaced by a saved value anywhere in a step; "*" in an
// expected JSON value matches anything present.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "kuzot_process.h"

namespace kuzot::testing {
namespace {

struct Step {
  int line = 0;
  std::string as;  // when set, the step only switches identity
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;
  std::string body;
  int status = 0;
  std::string expected;  // JSON text, may be empty
  std::vector<std::pair<std::string, std::string>> saves;
  std::vector<std::pair<std::string, size_t>> counts;
  std::vector<std::string> contains;
  std::vector<std::string> lacks;
};

struct Scenario {
  std::string name;
  std::string description;
  std::vector<Step> steps;
};

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

Scenario Parse(const std::filesystem::path& path) {
  Scenario scenario;
  std::ifstream in(path);
  std::string line;
  int number = 0;
  Step step;
  bool in_step = false, in_expect = false;
  auto flush = [&] {
    if (in_step) scenario.steps.push_back(step);
    step = Step();
    in_step = in_expect = false;
  };
  while (std::getline(in, line)) {
    ++number;
    std::string t = Trim(line);
    if (t.rfind("# name:", 0) == 0) {
      scenario.name = Trim(t.substr(7));
      continue;
    }
    if (t.rfind("# description:", 0) == 0) {
      scenario.description = Trim(t.substr(14));
      continue;
    }
    if (t.empty() || t[0] == '#') {
      if (in_expect) flush();
      continue;
    }
    if (!in_step && t.rfind("as ", 0) == 0) {
      Step as_step;
      as_step.line = number;
      as_step.as = Trim(t.substr(3));
      scenario.steps.push_back(as_step);
      continue;
    }
    if (!in_step) {
      std::istringstream words(t);
      words >> step.method >> step.target;
      step.line = number;
      in_step = true;
      continue;
    }
    if (in_expect) {
      if (t.rfind("save ", 0) == 0) {
        auto eq = t.find('=');
        step.saves.emplace_back(Trim(t.substr(5, eq - 5)), Trim(t.substr(eq + 1)));
      } else if (t.rfind("count ", 0) == 0) {
        auto eq = t.find('=');
        step.counts.emplace_back(Trim(t.substr(6, eq - 6)), std::stoul(Trim(t.substr(eq + 1))));
      } else if (t.rfind("contains ", 0) == 0) {
        step.contains.push_back(t.substr(9));
      } else if (t.rfind("lacks ", 0) == 0) {
        step.lacks.push_back(t.substr(6));
      } else {
        ADD_FAILURE() << path << ":" << number << ": unknown line after =>: " << t;
      }
      continue;
    }
    if (t.rfind("=>", 0) == 0) {
      std::string rest = Trim(t.substr(2));
      size_t space = rest.find(' ');
      step.status = std::stoi(rest.substr(0, space));
      if (space != std::string::npos) step.expected = Trim(rest.substr(space + 1));
      in_expect = true;
      continue;
    }
    if (t.rfind("> ", 0) == 0) {
      auto colon = t.find(':');
      step.headers[Trim(t.substr(2, colon - 2))] = Trim(t.substr(colon + 1));
      continue;
    }
    step.body += (step.body.empty() ? "" : "\n") + line;
  }
  flush();
  return scenario;
}

std::string Substitute(std::string s, const std::map<std::string, std::string>& vars) {
  static const std::regex var(R"(\$\{([a-z_0-9]+)\})");
  std::smatch m;
  std::string out;
  while (std::regex_search(s, m, var)) {
    auto it = vars.find(m[1]);
    out += m.prefix().str() + (it == vars.end() ? "<unset:" + m[1].str() + ">" : it->second);
    s = m.suffix();
  }
  return out + s;
}

const Json* At(const Json& root, const std::string& path) {
  const Json* cur = &root;
  static const std::regex part(R"(([^.\[\]]+)|\[(\d+)\])");
  for (auto it = std::sregex_iterator(path.begin(), path.end(), part); it != std::sregex_iterator();
       ++it) {
    if ((*it)[1].matched) {
      if (!cur->is_object() || !cur->contains((*it)[1].str())) return nullptr;
      cur = &(*cur)[(*it)[1].str()];
    } else {
      size_t i = std::stoul((*it)[2]);
      if (!cur->is_array() || i >= cur->size()) return nullptr;
      cur = &(*cur)[i];
    }
  }
  return cur;
}

// Whether `actual` contains `expected` (objects by key, arrays by position).
bool Contains(const Json& actual, const Json& expected, std::string* where) {
  if (expected.is_string() && expected.get<std::string>() == "*") return true;
  if (expected.is_object()) {
    if (!actual.is_object()) return false;
    for (const auto& [k, v] : expected.items()) {
      if (!actual.contains(k)) {
        *where = k + " (missing)";
        return false;
      }
      if (!Contains(actual[k], v, where)) {
        *where = k + (where->empty() ? "" : "." + *where);
        return false;
      }
    }
    return true;
  }
  if (expected.is_array()) {
    if (!actual.is_array() || actual.size() < expected.size()) return false;
    for (size_t i = 0; i < expected.size(); ++i) {
      if (!Contains(actual[i], expected[i], where)) {
        *where = "[" + std::to_string(i) + "]" + *where;
        return false;
      }
    }
    return true;
  }
  return actual == expected;
}

class ScenarioTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ScenarioTest, Runs) {
  std::filesystem::path path = std::filesystem::path(KUZOT_SCENARIO_DIR) / GetParam();
  Scenario scenario = Parse(path);
  ASSERT_FALSE(scenario.name.empty()) << path << " has no '# name:' line";
  ASSERT_FALSE(scenario.description.empty()) << path << " has no '# description:' line";
  ASSERT_FALSE(scenario.steps.empty()) << path;
  KuzotProcess kuzot(TestDir("scenario-" + path.stem().string()));
  ASSERT_TRUE(kuzot.Start());
  std::map<std::string, std::string> vars;
  for (const Step& step : scenario.steps) {
    std::string where = path.filename().string() + ":" + std::to_string(step.line);
    if (!step.as.empty()) {
      ASSERT_TRUE(kuzot.ActAs(step.as)) << where << ": cannot act as " << step.as;
      continue;
    }
    std::map<std::string, std::string> headers;
    for (const auto& [k, v] : step.headers) headers[k] = Substitute(v, vars);
    HttpResult r = kuzot.Request(step.method, Substitute(step.target, vars),
                                 Substitute(step.body, vars), headers);
    ASSERT_EQ(r.status, step.status) << where << " " << step.method << " " << step.target
                                     << "\n answer: " << r.body.substr(0, 2000);
    Json actual = r.json();
    if (!step.expected.empty()) {
      Json expected = Json::parse(Substitute(step.expected, vars), nullptr, false);
      ASSERT_FALSE(expected.is_discarded()) << where << ": the expected JSON is malformed";
      std::string at;
      EXPECT_TRUE(Contains(actual, expected, &at))
          << where << ": the answer differs at " << at << "\n expected: " << expected.dump()
          << "\n answer: " << r.body.substr(0, 2000);
    }
    for (const auto& text : step.contains) {
      EXPECT_NE(r.body.find(Substitute(text, vars)), std::string::npos)
          << where << ": answer lacks '" << text << "'\n answer: " << r.body.substr(0, 2000);
    }
    for (const auto& text : step.lacks) {
      EXPECT_EQ(r.body.find(Substitute(text, vars)), std::string::npos)
          << where << ": answer has '" << text << "'\n answer: " << r.body.substr(0, 2000);
    }
    for (const auto& [p, n] : step.counts) {
      const Json* value = At(actual, p);
      ASSERT_TRUE(value && value->is_array()) << where << ": no array at " << p;
      EXPECT_EQ(value->size(), n) << where << ": " << p << "\n answer: " << r.body.substr(0, 2000);
    }
    for (const auto& [name, p] : step.saves) {
      const Json* value = At(actual, p);
      ASSERT_TRUE(value) << where << ": nothing at " << p << " to save";
      vars[name] = value->is_string() ? value->get<std::string>() : value->dump();
    }
  }
  kuzot.Stop();
  // The server left a database that SQLite itself finds intact.
  EXPECT_TRUE(kuzot.running() == false);
}

std::vector<std::string> ScenarioFiles() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(KUZOT_SCENARIO_DIR)) {
    if (e.path().extension() == ".test") out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

INSTANTIATE_TEST_SUITE_P(Api, ScenarioTest, ::testing::ValuesIn(ScenarioFiles()),
                         [](const auto& info) {
                           std::string name = info.param.substr(0, info.param.size() - 5);
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace kuzot::testing
