// kuzot evidence export | public-key, kuzot verify-package, and the evidence
// part of kuzot verify.
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "cli/data_dir.h"
#include "cli/evidence_setup.h"
#include "cli/progress.h"
#include "evidence/blob_store.h"

namespace kuzot::cli {

namespace fs = std::filesystem;

Result<std::unique_ptr<evidence::EvidenceService>> OpenEvidence(
    const std::string& data_dir, std::shared_ptr<crypto::Keyring> keyring,
    records::RecordService& records, uint64_t max_file_bytes) {
  if (!keyring) return Status::Unauthorized("evidence files need the data directory's keyring");
  evidence::EvidenceOptions options;
  options.dir = fs::path(data_dir) / "evidence";
  options.keyring = std::move(keyring);
  options.max_file_bytes = max_file_bytes;
  return evidence::EvidenceService::Open(std::move(options), records);
}

Status LoadDemoEvidence(const std::vector<std::string_view>& bundles,
                        records::RecordService& records, evidence::EvidenceService& evidence) {
  KUZOT_ASSIGN_OR_RETURN(int64_t present, records.CountRecords("evidence"));
  if (present > 0) return Status::Ok();
  Caller demo = Caller::System("demo");
  for (std::string_view part : bundles) {
    records::Json bundle = records::Json::parse(part, nullptr, false);
    if (!bundle.is_object() || !bundle.contains("evidence_files")) continue;
    for (const auto& file : bundle["evidence_files"]) {
      records::Json fields = file.value("fields", records::Json::object());
      std::string event = file.value("link_event_matching", "");
      if (!event.empty()) {
        KUZOT_ASSIGN_OR_RETURN(auto hits, records.Search(demo, event, {"event"}, 1, 0));
        if (!hits["items"].empty()) fields["event_ids"] = {hits["items"][0]["id"]};
      }
      std::string content = file.value("content", "");
      KUZOT_ASSIGN_OR_RETURN(auto sink, evidence.BeginSimpleUpload(demo, content.size(), fields));
      KUZOT_RETURN_IF_ERROR(sink->Write(content));
      KUZOT_RETURN_IF_ERROR(sink->Finish(true).status());
    }
  }
  return Status::Ok();
}

int VerifyEvidenceFiles(const std::string& data_dir, records::RecordService& records) {
  if (!crypto::Keyring::Exists(data_dir)) {
    std::cout << "evidence files: none (the data directory has no keyring)\n";
    return 0;
  }
  auto keyring = crypto::Keyring::Open(data_dir, KeySourceFromEnvironment(data_dir, false));
  if (!keyring.ok()) {
    std::cerr << "kuzot verify: " << keyring.status().message() << "\n";
    return 1;
  }
  auto service = OpenEvidence(data_dir, std::move(keyring).value(), records);
  if (!service.ok()) {
    std::cerr << "kuzot verify: " << service.status().message() << "\n";
    return 1;
  }
  ProgressBar bar("checking files");
  auto report = service.value()->VerifyFiles([&](int64_t d, int64_t t) { bar.Update(d, t); });
  if (!report.ok()) {
    std::cerr << "kuzot verify: " << report.status().ToString() << "\n";
    return 1;
  }
  for (const auto& p : report->problems) {
    std::cout << "evidence file " << p.status << ": evidence "
              << (p.evidence_id.empty() ? "(none)" : p.evidence_id) << " sha256 " << p.sha256
              << ": " << p.problem << "\n";
  }
  std::cout << "evidence files: " << report->files << " checked, " << report->bad
            << (report->bad == 1 ? " problem" : " problems") << "\n";
  if (report->custody_intact) {
    std::cout << "chain of custody: intact, " << report->custody_entries << " entries\n";
  } else {
    std::cout << "chain of custody: BROKEN: " << report->custody_problem << "\n";
  }
  return report->bad == 0 && report->custody_intact ? 0 : 2;
}

namespace {

struct ExportOptions {
  std::string data_dir = "./kuzot-data";
  std::string ids;
  std::string out;
  std::string user;
  std::string package;
  std::string public_key;
};

std::vector<std::string> SplitIds(const std::string& text) {
  std::vector<std::string> out;
  std::string current;
  for (char c : text + ",") {
    if (c == ',' || c == ' ' || c == '\n') {
      if (!current.empty()) out.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  return out;
}

std::string LoginName() {
  const char* name = getlogin();
  if (!name) name = std::getenv("USER");
  return name ? name : "operator";
}

}  // namespace

void AddEvidenceCommands(CLI::App& app) {
  auto o = std::make_shared<ExportOptions>();
  CLI::App* evidence =
      app.add_subcommand("evidence", "Evidence files: export packages, signing key");
  evidence->require_subcommand(1);
  CLI::App* exp = evidence->add_subcommand(
      "export", "Write chosen evidence files (decrypted) with a manifest signed with Ed25519");
  exp->add_option("--data", o->data_dir, "data directory")
      ->envname("KUZOT_DATA")
      ->capture_default_str();
  AddKeyFileOption(exp);
  exp->add_option("--ids", o->ids, "evidence ids, comma-separated")->required();
  exp->add_option("--out", o->out, "a new (or empty) folder for the package")->required();
  exp->add_option("--user", o->user,
                  "who exports, for the chain of custody (default: your login name)");
  exp->callback([o] {
    auto data = OpenDataDirWithKeyring(o->data_dir);
    if (!data.ok()) {
      std::cerr << "kuzot evidence export: " << data.status().message() << "\n";
      throw CLI::RuntimeError(1);
    }
    auto service = OpenEvidence(o->data_dir, data.value().keyring, *data.value().records);
    if (!service.ok()) {
      std::cerr << "kuzot evidence export: " << service.status().message() << "\n";
      throw CLI::RuntimeError(1);
    }
    Caller caller = Caller::System(o->user.empty() ? LoginName() : o->user);
    caller.remote_address = "command line";
    auto report = service.value()->Export(caller, SplitIds(o->ids), o->out);
    if (!report.ok()) {
      std::cerr << "kuzot evidence export: "
                << (report.status().field().empty() ? "" : report.status().field() + ": ")
                << report.status().message() << "\n";
      throw CLI::RuntimeError(report.status().code() == StatusCode::kCorrupt ? 2 : 1);
    }
    std::cout << "exported " << report->files << " files (" << report->bytes << " bytes) to "
              << o->out << "\nsigned by this installation's Ed25519 key " << report->public_key_hex
              << "\n(give this key to the recipient separately so that they can pin it:\n"
              << " kuzot verify-package " << o->out << " --public-key " << report->public_key_hex
              << ")\n";
  });

  CLI::App* key = evidence->add_subcommand(
      "public-key", "Print this installation's Ed25519 public key, which signs export packages");
  key->add_option("--data", o->data_dir, "data directory")
      ->envname("KUZOT_DATA")
      ->capture_default_str();
  AddKeyFileOption(key);
  key->callback([o] {
    auto data = OpenDataDirWithKeyring(o->data_dir);
    if (!data.ok()) {
      std::cerr << "kuzot evidence public-key: " << data.status().message() << "\n";
      throw CLI::RuntimeError(1);
    }
    auto service = OpenEvidence(o->data_dir, data.value().keyring, *data.value().records);
    if (!service.ok()) {
      std::cerr << "kuzot evidence public-key: " << service.status().message() << "\n";
      throw CLI::RuntimeError(1);
    }
    std::cout << service.value()->SigningPublicKeyHex() << "\n";
  });

  CLI::App* check = app.add_subcommand(
      "verify-package",
      "Check an evidence package anywhere: the manifest's signature and every file's SHA-256");
  check->add_option("DIR", o->package, "the package folder")
      ->required()
      ->check(CLI::ExistingDirectory);
  check->add_option(
      "--public-key", o->public_key,
      "the sender's Ed25519 public key (hex), to pin instead of trusting the manifest");
  check->callback([o] {
    evidence::PackageVerdict v = evidence::VerifyPackage(o->package, o->public_key);
    for (const auto& p : v.problems) std::cout << "PROBLEM: " << p << "\n";
    if (!v.ok) {
      std::cout << "package NOT intact: " << v.problems.size() << " problem"
                << (v.problems.size() == 1 ? "" : "s") << "\n";
      throw CLI::RuntimeError(2);
    }
    std::cout << "package intact: " << v.files << " files match their SHA-256; manifest signed by "
              << v.public_key_hex
              << (o->public_key.empty() ? " (not pinned: compare this key "
                                          "with the sender's)"
                                        : " (pinned)")
              << "\n";
  });
}

}  // namespace kuzot::cli
