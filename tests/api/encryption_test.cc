// Encryption at rest with the real binary: the raw files hold no sensitive
// value and no text of a secret record; without the right key nothing
// starts and nothing changes; kuzot rekey; sealed exports.
#include <gtest/gtest.h>
#include <sodium.h>

#include <fstream>
#include <map>

#include "kuzot_process.h"

namespace kuzot::testing {
namespace {

namespace fs = std::filesystem;

std::string FileBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Every file under `dir` (recursively), by name.
std::map<std::string, std::string> AllFiles(const fs::path& dir) {
  std::map<std::string, std::string> out;
  if (!fs::exists(dir)) return out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) out[entry.path().string()] = FileBytes(entry.path());
  }
  return out;
}

// Which files contain `needle` (as is, or lower-cased as the full-text
// index would keep it).
std::vector<std::string> FilesContaining(const fs::path& dir, std::string needle) {
  std::vector<std::string> out;
  std::string lower = needle;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [name, bytes] : AllFiles(dir)) {
    if (bytes.find(needle) != std::string::npos || bytes.find(lower) != std::string::npos) {
      out.push_back(name);
    }
  }
  return out;
}

std::string Digest(const fs::path& dir) {
  std::string all;
  for (const auto& [name, bytes] : AllFiles(dir)) all += name + "\n" + bytes;
  unsigned char hash[32];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(all.data()),
                     all.size(), nullptr, 0);
  return std::string(reinterpret_cast<char*>(hash), sizeof hash);
}

// Starts a server on `dir` once, creates `person` (and the other records of
// `more`, each {"path", "body"}), stops it cleanly and returns the person's id.
std::string SeedData(const fs::path& dir, const Json& person, const Json& more = Json::array()) {
  KuzotProcess kuzot(dir);
  EXPECT_TRUE(kuzot.Start()) << kuzot.stderr_text();
  HttpResult r = kuzot.Request("POST", "/api/v1/persons", person.dump());
  EXPECT_EQ(r.status, 201) << r.body;
  for (const auto& item : more) {
    EXPECT_EQ(kuzot.Request("POST", item["path"], item["body"].dump()).status, 201);
  }
  kuzot.Stop();
  // A clean stop leaves the database whole, without a write-ahead log.
  EXPECT_EQ(kuzot.exit_status(), 0) << kuzot.stderr_text();
  EXPECT_FALSE(fs::exists(dir / "kuzot.db-wal")) << kuzot.stderr_text();
  return r.json().value("id", "");
}

TEST(EncryptionTest, RawFilesHoldNoSensitiveValueNorSecretText) {
  fs::path dir = TestDir("grep") / "data";
  fs::path tmp = TestDir("grep") / "tmp";
  fs::create_directories(tmp);
  KuzotProcess kuzot(dir);
  // Whatever SQLite or the server would spill to temporary files lands here.
  kuzot.SetEnv("TMPDIR", tmp.string());
  kuzot.SetEnv("SQLITE_TMPDIR", tmp.string());
  ASSERT_TRUE(kuzot.Start());
  auto create = [&](const std::string& path, const Json& body) {
    HttpResult r = kuzot.Request("POST", path, body.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json().value("id", "");
  };
  std::string witness =
      create("/api/v1/persons", {{"names", {{{"value", "Fictional Witness"}}}},
                                 {"contact", "+996 559 472 836"},
                                 {"address", "Ozgorush village, Sary-Kamysh street 41"},
                                 {"private_notes", "her brother serves in unit Qoryqchi"}});
  create(
      "/api/v1/sources",
      {{"title", "Interview in Ozgorush"}, {"kind", "interview"}, {"given_by_person_id", witness}});
  std::string secret = create("/api/v1/events", {{"title", "Zharkynbay detention site"},
                                                 {"description", "prisoners moved by night convoy"},
                                                 {"confidentiality", "secret"}});
  // Changes make revisions; a record raised to secret must lose its past too.
  EXPECT_EQ(kuzot
                .Request("PATCH", "/api/v1/persons/" + witness,
                         Json{{"contact", "+996 771 208 654"}}.dump())
                .status,
            200);
  std::string raised = create("/api/v1/events", {{"title", "Kyzyl-Jar safe house"}});
  EXPECT_EQ(
      kuzot.Request("PATCH", "/api/v1/events/" + raised, Json{{"confidentiality", "secret"}}.dump())
          .status,
      200);
  // Searching and reading work for who may see it.
  HttpResult found = kuzot.Request("GET", "/api/v1/search?q=Zharkynbay");
  ASSERT_EQ(found.status, 200);
  ASSERT_EQ(found.json()["items"].size(), 1u) << found.body;
  EXPECT_EQ(found.json()["items"][0]["id"], secret);
  HttpResult by_contact = kuzot.Request("GET", "/api/v1/search?q=%2B996%20771%20208%20654");
  ASSERT_EQ(by_contact.json()["items"].size(), 1u) << by_contact.body;
  EXPECT_EQ(kuzot.Request("GET", "/api/v1/persons/" + witness).json()["contact"],
            "+996 771 208 654");
  const std::vector<std::string> needles = {"559 472 836", "771 208 654", "Sary-Kamysh",
                                            "Qoryqchi",    "Zharkynbay",  "night convoy",
                                            "Kyzyl-Jar"};
  // While it runs (the write-ahead log and its index are there) ...
  for (const auto& needle : needles) {
    EXPECT_EQ(FilesContaining(dir, needle), std::vector<std::string>()) << needle;
    EXPECT_EQ(FilesContaining(tmp, needle), std::vector<std::string>()) << needle;
  }
  EXPECT_TRUE(fs::exists(dir / "kuzot.db-wal"));
  // ... and after it stopped.
  kuzot.Stop();
  for (const auto& needle : needles) {
    EXPECT_EQ(FilesContaining(dir, needle), std::vector<std::string>()) << needle;
  }
  // The test would see plaintext if it were there: the name is not sensitive.
  EXPECT_FALSE(FilesContaining(dir, "Fictional Witness").empty());
}

TEST(EncryptionTest, WithoutTheRightKeyNothingStartsAndNothingChanges) {
  fs::path base = TestDir("wrongkey");
  fs::path dir = base / "data";
  SeedData(dir, {{"names", {{{"value", "Someone"}}}}, {"contact", "secret-ish"}});
  std::string before = Digest(dir);
  struct Attempt {
    std::string name;
    std::map<std::string, std::string> env;
    std::string message;
  };
  fs::path other_key = base / "other.key";
  ASSERT_EQ(RunKuzot({"rekey", "--help"}, dir), 0);  // the binary runs at all
  {
    std::ofstream(other_key) << "0123456789abcdef0123456789abcdef0123456789abcdef";
    fs::permissions(other_key, fs::perms::owner_read | fs::perms::owner_write,
                    fs::perm_options::replace);
  }
  std::vector<Attempt> attempts = {
      {"no key", {{"KUZOT_KEY_FILE", ""}}, "is encrypted and needs its key"},
      {"wrong key file", {{"KUZOT_KEY_FILE", other_key.string()}}, "wrong key file"},
      {"missing key file", {{"KUZOT_KEY_FILE", (base / "nowhere.key").string()}}, "does not exist"},
      {"a passphrase",
       {{"KUZOT_KEY_FILE", ""}, {"KUZOT_PASSPHRASE", "a long wrong passphrase"}},
       "locked with a key file"},
  };
  for (const auto& attempt : attempts) {
    KuzotProcess server(dir);
    for (const auto& [k, v] : attempt.env) server.SetEnv(k, v);
    EXPECT_FALSE(server.Start()) << attempt.name;
    EXPECT_EQ(server.exit_status(), 1) << attempt.name;
    EXPECT_NE(server.stderr_text().find(attempt.message), std::string::npos)
        << attempt.name << ": " << server.stderr_text();
    // Every other command that opens the data refuses the same way.
    for (const std::vector<std::string>& command :
         {std::vector<std::string>{"user", "list", "--data", dir.string()},
          std::vector<std::string>{"verify", "--data", dir.string()},
          std::vector<std::string>{"export", "--plaintext", "--data", dir.string()}}) {
      std::string output;
      EXPECT_EQ(RunKuzot(command, dir, &output, attempt.env), 1)
          << attempt.name << " " << command[0];
      EXPECT_NE(output.find(attempt.message), std::string::npos) << output;
    }
  }
  // Without its keyring, the passphrase or key file alone reads nothing.
  fs::rename(dir / "keyring.json", base / "keyring.json");
  {
    KuzotProcess server(dir);
    EXPECT_FALSE(server.Start());
    EXPECT_NE(server.stderr_text().find("keyring.json is missing"), std::string::npos)
        << server.stderr_text();
  }
  fs::rename(base / "keyring.json", dir / "keyring.json");
  EXPECT_EQ(Digest(dir), before) << "a refused start changed the data directory";
  // And the right key still opens it.
  KuzotProcess kuzot(dir);
  ASSERT_TRUE(kuzot.Start());
  EXPECT_EQ(kuzot.Request("GET", "/api/v1/persons?total=true").json()["total"], 1);
}

TEST(EncryptionTest, RekeyRotatesTheDataKeyAndChangesTheKey) {
  fs::path base = TestDir("rekey");
  fs::path dir = base / "data";
  std::string person = SeedData(
      dir, {{"names", {{{"value", "Rekeyed Person"}}}}, {"contact", "+996 100 200 300"}},
      Json::array({{{"path", "/api/v1/events"},
                    {"body", {{"title", "Rekeyed secret"}, {"confidentiality", "secret"}}}}}));
  {
    // rekey refuses while a server holds the data.
    KuzotProcess kuzot(dir);
    ASSERT_TRUE(kuzot.Start());
    std::string busy;
    EXPECT_EQ(RunKuzot({"rekey", "--rotate-data-key", "--data", dir.string()}, dir, &busy), 1);
    EXPECT_NE(busy.find("stop it first"), std::string::npos) << busy;
  }
  std::string output;
  ASSERT_EQ(RunKuzot({"rekey", "--rotate-data-key", "--data", dir.string()}, dir, &output), 0)
      << output;
  EXPECT_NE(output.find("generation 1 -> 2"), std::string::npos) << output;
  ASSERT_EQ(RunKuzot({"verify", "--data", dir.string()}, dir, &output), 0) << output;
  EXPECT_NE(output.find("intact"), std::string::npos);
  // A new passphrase (cheap Argon2id for the test) replaces the key file.
  std::map<std::string, std::string> fast = {{"KUZOT_KDF_OPSLIMIT", "1"},
                                             {"KUZOT_KDF_MEMLIMIT", "8388608"}};
  auto with = [&](std::map<std::string, std::string> extra) {
    for (const auto& [k, v] : fast) extra.emplace(k, v);
    return extra;
  };
  ASSERT_EQ(RunKuzot({"rekey", "--new-passphrase", "--data", dir.string()}, dir, &output,
                     with({{"KUZOT_NEW_PASSPHRASE", "the new long passphrase"}})),
            0)
      << output;
  EXPECT_EQ(RunKuzot({"verify", "--data", dir.string()}, dir, &output), 1);
  EXPECT_NE(output.find("locked with a passphrase"), std::string::npos) << output;
  std::map<std::string, std::string> by_passphrase =
      with({{"KUZOT_KEY_FILE", ""}, {"KUZOT_PASSPHRASE", "the new long passphrase"}});
  ASSERT_EQ(RunKuzot({"verify", "--data", dir.string()}, dir, &output, by_passphrase), 0) << output;
  // And back to a new key file, which the next start uses.
  fs::path new_key = base / "new.key";
  ASSERT_EQ(RunKuzot({"rekey", "--new-key-file", new_key.string(), "--data", dir.string()}, dir,
                     &output, by_passphrase),
            0)
      << output;
  EXPECT_EQ(RunKuzot({"verify", "--data", dir.string()}, dir, &output, by_passphrase), 1);
  KuzotProcess kuzot(dir);
  kuzot.SetEnv("KUZOT_KEY_FILE", new_key.string());
  ASSERT_TRUE(kuzot.Start()) << kuzot.stderr_text();
  EXPECT_EQ(kuzot.Request("GET", "/api/v1/persons/" + person).json()["contact"],
            "+996 100 200 300");
  HttpResult found = kuzot.Request("GET", "/api/v1/search?q=rekeyed%20secret");
  EXPECT_EQ(found.json()["items"].size(), 1u) << found.body;
  HttpResult audit = kuzot.Request("GET", "/api/v1/audit?action=key.rotate");
  EXPECT_EQ(audit.json()["items"].size(), 1u) << audit.body;
  kuzot.Stop();
  for (const char* needle : {"100 200 300", "Rekeyed secret"}) {
    EXPECT_EQ(FilesContaining(dir, needle), std::vector<std::string>()) << needle;
  }
}

TEST(EncryptionTest, ExportsAreSealedUnlessAskedOtherwise) {
  fs::path base = TestDir("export");
  fs::path dir = base / "data";
  SeedData(dir, {{"names", {{{"value", "Exported Person"}}}}, {"address", "Export lane 5"}});
  std::map<std::string, std::string> env = {{"KUZOT_KDF_OPSLIMIT", "1"},
                                            {"KUZOT_KDF_MEMLIMIT", "8388608"}};
  std::string output;
  // Neither a passphrase nor --plaintext: refused, nothing written.
  EXPECT_EQ(RunKuzot({"export", "-o", (base / "refused.kzb").string(), "--data", dir.string()}, dir,
                     &output, env),
            1);
  EXPECT_NE(output.find("KUZOT_EXPORT_PASSPHRASE"), std::string::npos) << output;
  EXPECT_FALSE(fs::exists(base / "refused.kzb"));
  env["KUZOT_EXPORT_PASSPHRASE"] = "export passphrase for the partner";
  fs::path sealed = base / "export.kzb";
  ASSERT_EQ(RunKuzot({"export", "-o", sealed.string(), "--data", dir.string()}, dir, &output, env),
            0)
      << output;
  std::string bytes = FileBytes(sealed);
  EXPECT_EQ(bytes.substr(0, 4), "KZS1");
  EXPECT_EQ(bytes.find("Export lane"), std::string::npos);
  EXPECT_EQ(bytes.find("Exported Person"), std::string::npos);
  EXPECT_EQ(fs::status(sealed).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  // Imported elsewhere with the passphrase; refused with a wrong one.
  fs::path copy = base / "copy";
  auto wrong = env;
  wrong["KUZOT_EXPORT_PASSPHRASE"] = "not the export passphrase";
  EXPECT_EQ(RunKuzot({"import", sealed.string(), "--data", copy.string()}, copy, &output, wrong),
            1);
  EXPECT_NE(output.find("nothing was imported"), std::string::npos) << output;
  ASSERT_EQ(RunKuzot({"import", sealed.string(), "--data", copy.string()}, copy, &output, env), 0)
      << output;
  EXPECT_NE(output.find("imported 1 records"), std::string::npos) << output;
  EXPECT_EQ(FilesContaining(copy, "Export lane"), std::vector<std::string>());
  // In the clear only when asked, with a warning.
  fs::path plain = base / "export.json";
  ASSERT_EQ(RunKuzot({"export", "--plaintext", "-o", plain.string(), "--data", dir.string()}, dir,
                     &output),
            0)
      << output;
  EXPECT_NE(output.find("in the clear"), std::string::npos);
  EXPECT_NE(FileBytes(plain).find("Export lane 5"), std::string::npos);
  // Both exports are in the audit log.
  KuzotProcess kuzot(dir);
  ASSERT_TRUE(kuzot.Start());
  HttpResult audit = kuzot.Request("GET", "/api/v1/audit?action=export");
  ASSERT_EQ(audit.json()["items"].size(), 2u) << audit.body;
  EXPECT_EQ(audit.json()["items"][0]["detail"]["encrypted"], true);
  EXPECT_EQ(audit.json()["items"][1]["detail"]["encrypted"], false);
}

}  // namespace
}  // namespace kuzot::testing
