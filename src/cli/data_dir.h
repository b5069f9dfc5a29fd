// The data directory: the database file and its keyring, and how every
// command that opens them finds the key (doc/security.md, "Keys").
//
// The key comes from, in this order: --key-file FILE (on the commands that
// take it), KUZOT_KEY_FILE, KUZOT_PASSPHRASE, or a passphrase asked on the
// terminal. A new data directory gets a new keyring wrapped under that key;
// a key file that does not exist yet is created then (mode 0600). Without
// the right key nothing is opened and nothing is written.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "crypto/crypto.h"
#include "records/service.h"

namespace kuzot::cli {

// Adds --key-file to a subcommand; it overrides KUZOT_KEY_FILE.
void AddKeyFileOption(CLI::App* command);

// The key source of this run (see above); kNone when there is none and no
// terminal to ask on. `creating` asks for the passphrase twice.
crypto::KeySource KeySourceFromEnvironment(const std::string& data_dir, bool creating);

struct DataDir {
  std::shared_ptr<crypto::Keyring> keyring;
  std::unique_ptr<records::RecordService> records;
};

// Creates `dir` when missing (mode 0700), opens or creates its keyring and
// opens the database in it (dir/kuzot.db). Takes a shared lock on the
// directory for the life of the process, or with `exclusive` an exclusive
// one (kuzot rekey), refused while any other kuzot process uses it.
Result<DataDir> OpenDataDirWithKeyring(const std::string& dir, bool exclusive = false);

// The same, for commands that need only the records.
Result<std::unique_ptr<records::RecordService>> OpenDataDir(const std::string& dir);

}  // namespace kuzot::cli
