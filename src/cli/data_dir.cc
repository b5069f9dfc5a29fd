// Opening the data directory with its keyring (see data_dir.h).
#include "cli/data_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <iostream>

#include "storage/store.h"

namespace kuzot::cli {
namespace {

namespace fs = std::filesystem;

std::string& KeyFileFlag() {
  static std::string flag;
  return flag;
}

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

// Holds the directory's lock file open (and locked) until the process ends.
Status LockDirectory(const std::string& dir, bool exclusive) {
  static int held = -1;
  if (held >= 0) return Status::Ok();
  std::string path = (fs::path(dir) / "kuzot.lock").string();
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Unavailable("cannot open " + path + ": " + std::strerror(errno));
  if (::flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0) {
    ::close(fd);
    if (exclusive) {
      return Status::Unavailable("another kuzot process (a server?) is using " + dir +
                                 "; stop it first");
    }
    return Status::Unavailable("kuzot rekey is working on " + dir + "; wait until it is done");
  }
  held = fd;
  return Status::Ok();
}

std::string Ask(const std::string& prompt) {
  char* answer = getpass(prompt.c_str());
  std::string out = answer ? answer : "";
  if (answer) std::memset(answer, 0, std::strlen(answer));
  return out;
}

constexpr char kNoKey[] =
    "give it with --key-file FILE or KUZOT_KEY_FILE=FILE (a file of random bytes kept outside "
    "the data directory), or KUZOT_PASSPHRASE, or run on a terminal to be asked";

}  // namespace

void AddKeyFileOption(CLI::App* command) {
  command->add_option("--key-file", KeyFileFlag(),
                      "the key file that unlocks the data (created with the data directory when "
                      "missing); overrides KUZOT_KEY_FILE");
}

crypto::KeySource KeySourceFromEnvironment(const std::string& data_dir, bool creating) {
  std::string key_file = KeyFileFlag().empty() ? Env("KUZOT_KEY_FILE") : KeyFileFlag();
  if (!key_file.empty()) return crypto::KeySource::KeyFile(key_file);
  std::string passphrase = Env("KUZOT_PASSPHRASE");
  if (!passphrase.empty()) return crypto::KeySource::Passphrase(passphrase);
  if (!isatty(STDIN_FILENO)) return {};
  std::string first = Ask("passphrase for " + data_dir + ": ");
  if (creating) {
    std::string again = Ask("the same passphrase again: ");
    if (again != first) {
      std::cerr << "the two passphrases differ\n";
      return {};
    }
  }
  return crypto::KeySource::Passphrase(first);
}

Result<DataDir> OpenDataDirWithKeyring(const std::string& dir, bool exclusive) {
  // Everything Kuzot creates (database, journal, keyring, exports) is the
  // operator's alone.
  ::umask(077);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return Status::Unavailable("cannot create the data directory " + dir + ": " + ec.message());
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  KUZOT_RETURN_IF_ERROR(LockDirectory(dir, exclusive));
  std::string db_path = (fs::path(dir) / "kuzot.db").string();
  DataDir out;
  bool created = false;
  if (crypto::Keyring::Exists(dir)) {
    crypto::KeySource source = KeySourceFromEnvironment(dir, false);
    if (source.kind == crypto::KeySource::Kind::kNone) {
      return Status::Unauthorized("the data in " + dir +
                                  " is encrypted and needs its key: " + kNoKey);
    }
    auto keyring = crypto::Keyring::Open(dir, source);
    if (!keyring.ok()) return keyring.status();
    out.keyring = std::move(keyring).value();
  } else {
    auto meta = storage::ReadMetaOnly(db_path);
    if (!meta.ok() && meta.status().code() != StatusCode::kNotFound) {
      // Never make a new keyring for a database that may be encrypted.
      return Status::Unavailable("cannot tell whether " + db_path + " is encrypted (" +
                                 meta.status().message() + "); nothing was changed");
    }
    if (meta.ok() && !meta->count("keyring_id") && fs::exists(db_path + "-wal", ec)) {
      return Status::Unavailable(db_path +
                                 " has a write-ahead log (it is in use, or was not closed "
                                 "cleanly), so Kuzot cannot tell whether it is encrypted, and "
                                 "there is no keyring.json beside it; restore keyring.json if it "
                                 "was lost; nothing was changed");
    }
    if (meta.ok() && meta->count("keyring_id")) {
      return Status::Unauthorized(db_path + " is encrypted but " + dir +
                                  "/keyring.json is missing: restore it from your backup (the "
                                  "passphrase or key file alone cannot read the data)");
    }
    crypto::KeySource source = KeySourceFromEnvironment(dir, true);
    if (source.kind == crypto::KeySource::Kind::kNone) {
      return Status::Unauthorized("Kuzot keeps sensitive data encrypted and needs a key for " +
                                  dir + ": " + kNoKey);
    }
    if (source.kind == crypto::KeySource::Kind::kKeyFile && !fs::exists(source.key_file, ec)) {
      KUZOT_RETURN_IF_ERROR(crypto::CreateKeyFile(source.key_file));
      std::cerr << "created the key file " << source.key_file
                << ": keep a copy away from this machine; without it the data in " << dir
                << " cannot be read\n";
    }
    auto keyring = crypto::Keyring::Create(dir, source, crypto::KdfLimits::FromEnvironment());
    if (!keyring.ok()) return keyring.status();
    std::cerr << "created the keyring " << dir << "/keyring.json, unlocked by " << source.Describe()
              << "\n";
    created = true;
    out.keyring = std::move(keyring).value();
  }
  records::OpenOptions options;
  options.keyring = out.keyring;
  auto records = records::RecordService::Open(db_path, options);
  if (!records.ok()) {
    // A keyring made a moment ago for a database that refused it seals
    // nothing: take it away again rather than leave a wrong one behind.
    if (created && records.status().code() == StatusCode::kUnauthorized) {
      fs::remove(fs::path(dir) / crypto::Keyring::kFileName, ec);
    }
    return records.status();
  }
  out.records = std::move(records).value();
  return out;
}

Result<std::unique_ptr<records::RecordService>> OpenDataDir(const std::string& dir) {
  KUZOT_ASSIGN_OR_RETURN(DataDir data, OpenDataDirWithKeyring(dir));
  return std::move(data.records);
}

}  // namespace kuzot::cli
