// kuzot rekey: change what unlocks the data (a new passphrase or key file)
// and/or rotate the data key itself, re-encrypting everything under it.
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "cli/data_dir.h"
#include "cli/evidence_setup.h"
#include "cli/progress.h"

namespace kuzot::cli {
namespace {

struct RekeyOptions {
  std::string data_dir = "./kuzot-data";
  std::string new_key_file;
  bool new_passphrase = false;
  bool rotate_data_key = false;
};

int Fail(const Status& s) {
  std::cerr << "kuzot rekey: " << s.message() << "\n";
  return 1;
}

// KUZOT_NEW_PASSPHRASE, or asked twice on a terminal.
Result<std::string> NewPassphrase() {
  if (const char* env = std::getenv("KUZOT_NEW_PASSPHRASE")) return std::string(env);
  if (!isatty(STDIN_FILENO)) {
    return Status::InvalidArgument(
        "give the new passphrase in KUZOT_NEW_PASSPHRASE, or run on a terminal to be asked");
  }
  std::string first = getpass("new passphrase: ");
  std::string again = getpass("the new passphrase again: ");
  if (first != again) return Status::InvalidArgument("the two passphrases differ");
  return first;
}

int Rekey(const RekeyOptions& o) {
  if (!o.rotate_data_key && o.new_key_file.empty() && !o.new_passphrase) {
    std::cerr << "kuzot rekey: say what to change: --new-key-file FILE, --new-passphrase, "
                 "and/or --rotate-data-key\n";
    return 1;
  }
  if (!o.new_key_file.empty() && o.new_passphrase) {
    std::cerr << "kuzot rekey: choose either --new-key-file or --new-passphrase\n";
    return 1;
  }
  // Exclusive: no server may use the data while its keys change.
  auto data = OpenDataDirWithKeyring(o.data_dir, true);
  if (!data.ok()) return Fail(data.status());
  crypto::Keyring& keyring = *data->keyring;
  if (o.rotate_data_key) {
    // The new generation is written to the keyring before any data uses
    // it: a crash at any point leaves every value readable.
    auto generation = keyring.AddGeneration();
    if (!generation.ok()) return Fail(generation.status());
    auto report = data->records->Reencrypt(generation.value(), Caller::System("operator"));
    if (!report.ok()) return Fail(report.status());
    std::cout << "rotated the data key: generation " << report->from_generation << " -> "
              << report->to_generation << "; re-encrypted " << report->bodies
              << " stored bodies, re-keyed " << report->records
              << " records' blind indexes and the audit chain (" << report->audit_entries
              << " entries)\n";
    // Opened now, so that it writes under the new generation.
    auto evidence = OpenEvidence(o.data_dir, data->keyring, *data->records);
    if (!evidence.ok()) return Fail(evidence.status());
    Result<evidence::RotationReport> files = [&] {
      ProgressBar bar("re-encrypting evidence files");
      return evidence.value()->ReencryptAll([&](int64_t d, int64_t t) { bar.Update(d, t); });
    }();
    if (!files.ok()) return Fail(files.status());
    std::cout << "re-encrypted " << files->files << " evidence files and " << files->uploads
              << " uploads in progress, re-sealed " << files->sealed << " small files";
    if (files->unchanged > 0) std::cout << " (" << files->unchanged << " were already)";
    std::cout << "\n";
    if (!files->problems.empty()) {
      for (const auto& p : files->problems) std::cerr << "kuzot rekey: " << p << "\n";
      std::cerr << "kuzot rekey: " << files->problems.size()
                << " files were left under the old data key (it stays in the keyring, so they "
                   "still open); run kuzot verify\n";
      return 1;
    }
  }
  if (!o.new_key_file.empty() || o.new_passphrase) {
    crypto::KeySource source;
    if (!o.new_key_file.empty()) {
      std::error_code ec;
      if (!std::filesystem::exists(o.new_key_file, ec)) {
        Status created = crypto::CreateKeyFile(o.new_key_file);
        if (!created.ok()) return Fail(created);
        std::cout << "created the key file " << o.new_key_file << "\n";
      }
      source = crypto::KeySource::KeyFile(o.new_key_file);
    } else {
      auto passphrase = NewPassphrase();
      if (!passphrase.ok()) return Fail(passphrase.status());
      source = crypto::KeySource::Passphrase(passphrase.value());
    }
    Status s = keyring.Rewrap(source, crypto::KdfLimits::FromEnvironment());
    if (!s.ok()) return Fail(s);
    std::cout << "the keyring is now unlocked by " << source.Describe()
              << " only; the old passphrase or key file no longer opens it (destroy it)\n";
  }
  return 0;
}

}  // namespace

void AddRekeyCommand(CLI::App& app) {
  auto o = std::make_shared<RekeyOptions>();
  CLI::App* cmd = app.add_subcommand(
      "rekey",
      "Change the passphrase or key file that unlocks the data, or rotate the data key "
      "(stop the server first)");
  cmd->add_option("--data", o->data_dir, "data directory")
      ->envname("KUZOT_DATA")
      ->capture_default_str();
  AddKeyFileOption(cmd);
  cmd->add_option("--new-key-file", o->new_key_file,
                  "unlock the data with this key file from now on (created when missing)");
  cmd->add_flag("--new-passphrase", o->new_passphrase,
                "unlock the data with a new passphrase (KUZOT_NEW_PASSPHRASE or asked)");
  cmd->add_flag("--rotate-data-key", o->rotate_data_key,
                "make a new data key and re-encrypt everything under it");
  cmd->callback([o] {
    int rc = Rekey(*o);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace kuzot::cli
