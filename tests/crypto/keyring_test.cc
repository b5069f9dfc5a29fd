#include <gtest/gtest.h>

#include "crypto/crypto.h"
#include "test_dirs.h"

namespace kuzot::crypto {
namespace {

using testing::FreshDir;
using testing::NewKeyFile;
using testing::ReadAll;

constexpr char kPassphrase[] = "a long passphrase for tests";

TEST(KeyringTest, KeyFileCreatesAndReopens) {
  auto dir = FreshDir("keyfile");
  KeySource key = NewKeyFile(dir / "key");
  EXPECT_EQ(std::filesystem::status(dir / "key").permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  auto created = Keyring::Create((dir / "data").string(), key);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  auto sealed = created.value()->Seal("+996 555 123 456", "person/1");
  ASSERT_TRUE(sealed.ok());
  auto reopened = Keyring::Open((dir / "data").string(), key);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ(reopened.value()->id(), created.value()->id());
  auto opened = reopened.value()->Open(sealed.value(), "person/1");
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(opened.value(), "+996 555 123 456");
  // Neither the key file's content nor the plaintext is in the keyring.
  std::string keyring = ReadAll(dir / "data" / Keyring::kFileName);
  std::string key_text = ReadAll(dir / "key");
  EXPECT_EQ(keyring.find(key_text.substr(0, 64)), std::string::npos);
  EXPECT_EQ(keyring.find("+996 555 123 456"), std::string::npos);  // not "996": random hex has it
}

TEST(KeyringTest, WrongKeyFileIsRefusedClearly) {
  auto dir = FreshDir("wrongkey");
  ASSERT_TRUE(Keyring::Create((dir / "data").string(), NewKeyFile(dir / "key")).ok());
  std::string before = ReadAll(dir / "data" / Keyring::kFileName);
  auto other = Keyring::Open((dir / "data").string(), NewKeyFile(dir / "other"));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), StatusCode::kUnauthorized);
  EXPECT_NE(other.status().message().find("wrong key file"), std::string::npos);
  auto missing =
      Keyring::Open((dir / "data").string(), KeySource::KeyFile((dir / "nope").string()));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("does not exist"), std::string::npos);
  auto none = Keyring::Open((dir / "data").string(), KeySource());
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), StatusCode::kUnauthorized);
  auto kind = Keyring::Open((dir / "data").string(), KeySource::Passphrase(kPassphrase));
  ASSERT_FALSE(kind.ok());
  EXPECT_NE(kind.status().message().find("locked with a key file"), std::string::npos);
  // Failed attempts change nothing.
  EXPECT_EQ(ReadAll(dir / "data" / Keyring::kFileName), before);
}

TEST(KeyringTest, PassphraseWithConfigurableCost) {
  auto dir = FreshDir("passphrase");
  auto created = Keyring::Create((dir / "data").string(), KeySource::Passphrase(kPassphrase),
                                 KdfLimits::Fast());
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created.value()->kek_kind(), "passphrase");
  std::string keyring = ReadAll(dir / "data" / Keyring::kFileName);
  EXPECT_EQ(keyring.find(kPassphrase), std::string::npos);
  EXPECT_NE(keyring.find("\"opslimit\": 1"), std::string::npos);
  EXPECT_TRUE(Keyring::Open((dir / "data").string(), KeySource::Passphrase(kPassphrase)).ok());
  auto wrong = Keyring::Open((dir / "data").string(), KeySource::Passphrase("not the passphrase"));
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("wrong passphrase"), std::string::npos);
  auto keyfile = Keyring::Open((dir / "data").string(), NewKeyFile(dir / "key"));
  ASSERT_FALSE(keyfile.ok());
  EXPECT_NE(keyfile.status().message().find("locked with a passphrase"), std::string::npos);
}

TEST(KeyringTest, RefusesKeysBesideTheData) {
  auto dir = FreshDir("beside");
  auto inside = Keyring::Create((dir / "data").string(), NewKeyFile(dir / "data" / "key"));
  ASSERT_FALSE(inside.ok());
  EXPECT_NE(inside.status().message().find("inside the data directory"), std::string::npos);
  auto short_pass = Keyring::Create((dir / "data").string(), KeySource::Passphrase("short"));
  ASSERT_FALSE(short_pass.ok());
  EXPECT_NE(short_pass.status().message().find("at least 12"), std::string::npos);
  // A key file others can read is refused, as ssh refuses such keys.
  NewKeyFile(dir / "open");
  std::filesystem::permissions(dir / "open", std::filesystem::perms::others_read,
                               std::filesystem::perm_options::add);
  auto open = Keyring::Create((dir / "data").string(), KeySource::KeyFile((dir / "open").string()));
  ASSERT_FALSE(open.ok());
  EXPECT_NE(open.status().message().find("chmod 600"), std::string::npos);
  EXPECT_FALSE(Keyring::Exists((dir / "data").string()));
  // CreateKeyFile never overwrites a key.
  EXPECT_EQ(CreateKeyFile((dir / "open").string()).code(), StatusCode::kConflict);
}

TEST(KeyringTest, SealedValuesAreBoundToTheirPlace) {
  auto dir = FreshDir("bound");
  auto keyring = Keyring::Create((dir / "data").string(), NewKeyFile(dir / "key")).value();
  std::string sealed = keyring->Seal("Kulundu, street 1", "person/A").value();
  EXPECT_TRUE(Keyring::IsSealed(sealed));
  EXPECT_EQ(Keyring::SealedGeneration(sealed), 1u);
  EXPECT_EQ(sealed.find("Kulundu"), std::string::npos);
  // Moved to another record: refused.
  EXPECT_FALSE(keyring->Open(sealed, "person/B").ok());
  // One character changed: refused.
  std::string changed = sealed;
  changed[20] = changed[20] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(keyring->Open(changed, "person/A").ok());
  // Not a sealed value at all.
  EXPECT_EQ(keyring->Open("plain text", "person/A").status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(keyring->Open("kz1:!!!", "person/A").ok());
  // Another installation's keyring cannot open it.
  auto other_dir = FreshDir("bound-other");
  auto other =
      Keyring::Create((other_dir / "data").string(), NewKeyFile(other_dir / "key")).value();
  EXPECT_FALSE(other->Open(sealed, "person/A").ok());
  // Same plaintext twice: different ciphertexts (random nonces).
  EXPECT_NE(keyring->Seal("x", "a").value(), keyring->Seal("x", "a").value());
  // Padding: short values of different lengths seal to the same size.
  EXPECT_EQ(keyring->Seal("1", "a").value().size(),
            keyring->Seal("12345678901234", "a").value().size());
  EXPECT_EQ(keyring->Open(keyring->Seal("", "a").value(), "a").value(), "");
}

TEST(KeyringTest, GenerationsKeepOldValuesReadable) {
  auto dir = FreshDir("generations");
  KeySource key = NewKeyFile(dir / "key");
  auto keyring = Keyring::Create((dir / "data").string(), key).value();
  std::string old_sealed = keyring->Seal("old", "r").value();
  std::string old_blind = keyring->Blind("contact", "+996");
  auto added = keyring->AddGeneration();
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(added.value(), 2u);
  EXPECT_EQ(keyring->current(), 2u);
  std::string new_sealed = keyring->Seal("new", "r").value();
  EXPECT_EQ(Keyring::SealedGeneration(new_sealed), 2u);
  EXPECT_NE(keyring->Blind("contact", "+996"), old_blind);
  EXPECT_EQ(keyring->Blind("contact", "+996", 1), old_blind);
  auto reopened = Keyring::Open((dir / "data").string(), key).value();
  EXPECT_EQ(reopened->generations(), (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(reopened->Open(old_sealed, "r").value(), "old");
  EXPECT_EQ(reopened->Open(new_sealed, "r").value(), "new");
}

TEST(KeyringTest, RewrapChangesOnlyTheKek) {
  auto dir = FreshDir("rewrap");
  KeySource old_key = NewKeyFile(dir / "old");
  auto keyring = Keyring::Create((dir / "data").string(), old_key).value();
  std::string sealed = keyring->Seal("value", "r").value();
  ASSERT_TRUE(keyring->Rewrap(KeySource::Passphrase(kPassphrase), KdfLimits::Fast()).ok());
  EXPECT_FALSE(Keyring::Open((dir / "data").string(), old_key).ok());
  auto reopened = Keyring::Open((dir / "data").string(), KeySource::Passphrase(kPassphrase));
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ(reopened.value()->Open(sealed, "r").value(), "value");
  // And back to a new key file.
  KeySource new_key = NewKeyFile(dir / "new");
  ASSERT_TRUE(reopened.value()->Rewrap(new_key).ok());
  EXPECT_TRUE(Keyring::Open((dir / "data").string(), new_key).ok());
  EXPECT_FALSE(std::filesystem::exists(dir / "data" / "keyring.json.tmp"));
}

TEST(KeyringTest, DamagedKeyringIsNamed) {
  auto dir = FreshDir("damaged");
  KeySource key = NewKeyFile(dir / "key");
  ASSERT_TRUE(Keyring::Create((dir / "data").string(), key).ok());
  std::ofstream(dir / "data" / Keyring::kFileName) << "{\"format\": \"something else\"}";
  auto opened = Keyring::Open((dir / "data").string(), key);
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.status().message().find("damaged"), std::string::npos);
  std::ofstream(dir / "data" / Keyring::kFileName) << "not json";
  EXPECT_FALSE(Keyring::Open((dir / "data").string(), key).ok());
}

TEST(KeyringTest, BlindIndexesAndSubkeys) {
  auto dir = FreshDir("blind");
  auto keyring = Keyring::Create((dir / "data").string(), NewKeyFile(dir / "key")).value();
  std::string a = keyring->Blind("term", "askarov");
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a, keyring->Blind("term", "askarov"));
  EXPECT_NE(a, keyring->Blind("term", "askarova"));
  EXPECT_NE(a, keyring->Blind("ref", "askarov"));
  EXPECT_NE(keyring->Blind("ab", "c"), keyring->Blind("a", "bc"));
  std::string audit = keyring->Subkey(Purpose::kAuditChain);
  EXPECT_EQ(audit.size(), 32u);
  EXPECT_NE(audit, keyring->Subkey(Purpose::kBlindIndex));
  EXPECT_NE(audit, keyring->Subkey(Purpose::kRecordFields));
}

}  // namespace
}  // namespace kuzot::crypto
