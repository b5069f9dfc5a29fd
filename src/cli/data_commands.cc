// kuzot import / export: whole-database JSON bundles.
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/data_dir.h"
#include "cli/progress.h"

namespace kuzot::cli {

namespace {

struct DataOptions {
  std::string data_dir = "./kuzot-data";
  std::string format = "json";
  std::string file;
  std::string output;
  std::string user = "import";
  bool plaintext = false;
};

// What binds a sealed export to being a Kuzot bundle.
constexpr char kBundleAssociated[] = "kuzot-bundle";

// KUZOT_EXPORT_PASSPHRASE, or asked on a terminal (twice when sealing).
Result<std::string> ExportPassphrase(bool twice) {
  if (const char* env = std::getenv("KUZOT_EXPORT_PASSPHRASE")) return std::string(env);
  if (!isatty(STDIN_FILENO)) {
    return Status::InvalidArgument(
        "an export holds every record in full, sensitive fields and secret records too: give "
        "KUZOT_EXPORT_PASSPHRASE to encrypt it, or --plaintext to write it in the clear");
  }
  std::string first = getpass("passphrase for the export file: ");
  if (twice && first != std::string(getpass("the same passphrase again: "))) {
    return Status::InvalidArgument("the two passphrases differ");
  }
  return first;
}

// An ostream buffer that seals what is written through it.
class SealingBuffer : public std::streambuf {
 public:
  explicit SealingBuffer(crypto::StreamWriter* writer) : writer_(writer) {
    setp(buffer_, buffer_ + sizeof buffer_);
  }
  ~SealingBuffer() override { std::memset(buffer_, 0, sizeof buffer_); }
  const Status& status() const { return status_; }

 protected:
  int overflow(int c) override {
    if (sync() != 0) return traits_type::eof();
    if (c != traits_type::eof()) {
      *pptr() = static_cast<char>(c);
      pbump(1);
    }
    return c == traits_type::eof() ? 0 : c;
  }
  int sync() override {
    if (!status_.ok()) return -1;
    status_ = writer_->Write(std::string_view(pbase(), pptr() - pbase()));
    setp(buffer_, buffer_ + sizeof buffer_);
    return status_.ok() ? 0 : -1;
  }

 private:
  crypto::StreamWriter* writer_;
  char buffer_[64 * 1024];
  Status status_;
};

// The rest of `in`, read in blocks into a string of the file's size when
// it is known (a character at a time took twice as long).
std::string ReadRest(std::istream& in) {
  std::string out;
  const std::streampos at = in.tellg();
  if (at != std::streampos(-1) && in.seekg(0, std::ios::end)) {
    const std::streampos end = in.tellg();
    if (end != std::streampos(-1) && end > at) out.reserve(static_cast<size_t>(end - at));
    in.clear();
    in.seekg(at);
  }
  in.clear();
  char block[1 << 16];
  while (in.read(block, sizeof block) || in.gcount() > 0) out.append(block, in.gcount());
  return out;
}

// Reads `in` whole, opening it first when it is a sealed export.
Result<std::string> ReadBundle(std::ifstream& in) {
  if (!crypto::StreamReader::LooksSealed(in)) return ReadRest(in);
  KUZOT_ASSIGN_OR_RETURN(std::string passphrase, ExportPassphrase(false));
  KUZOT_ASSIGN_OR_RETURN(auto reader,
                         crypto::StreamReader::Begin(nullptr, in, kBundleAssociated, passphrase));
  std::string out;
  while (!reader->done()) {
    KUZOT_ASSIGN_OR_RETURN(std::string chunk, reader->Read());
    out += chunk;
  }
  return out;
}

int Import(const DataOptions& o) {
  std::ifstream in(o.file, std::ios::binary);
  if (!in) {
    std::cerr << "kuzot import: cannot open " << o.file << "\n";
    return 1;
  }
  auto records = OpenDataDir(o.data_dir);
  if (!records.ok()) {
    std::cerr << "kuzot import: " << records.status().message() << "\n";
    return 1;
  }
  auto text = ReadBundle(in);
  if (!text.ok()) {
    std::cerr << "kuzot import: " << o.file << ": " << text.status().message()
              << "\nnothing was imported\n";
    return 1;
  }
  ProgressBar bar("importing");
  auto report =
      records.value()->ImportBundle(std::string_view(text.value()), records::Caller{o.user},
                                    [&](int64_t d, int64_t t) { bar.Update(d, t); });
  if (!report.ok()) {
    std::cerr << "kuzot import: " << o.file << ": "
              << (report.status().field().empty() ? "" : report.status().field() + ": ")
              << report.status().message() << "\nnothing was imported\n";
    return 1;
  }
  std::cout << "imported " << report->records << " records, " << report->revisions
            << " revisions, " << report->vocabulary_terms << " vocabulary terms; skipped "
            << report->skipped << " already present\n";
  return 0;
}

// Writes the bundle to `out`, sealed under `passphrase` unless it is empty.
Status WriteBundle(records::RecordService& records, std::ostream& out,
                   const std::string& passphrase, const records::Progress& progress) {
  if (passphrase.empty()) return records.ExportBundle(out, progress);
  KUZOT_ASSIGN_OR_RETURN(
      auto writer, crypto::StreamWriter::BeginWithPassphrase(passphrase, out, kBundleAssociated,
                                                             crypto::KdfLimits::FromEnvironment()));
  SealingBuffer buffer(writer.get());
  std::ostream sealed(&buffer);
  KUZOT_RETURN_IF_ERROR(records.ExportBundle(sealed, progress));
  sealed.flush();
  KUZOT_RETURN_IF_ERROR(buffer.status());
  return writer->Finish();
}

int Export(const DataOptions& o) {
  std::string passphrase;
  if (!o.plaintext) {
    auto asked = ExportPassphrase(true);
    if (!asked.ok()) {
      std::cerr << "kuzot export: " << asked.status().message() << "\n";
      return 1;
    }
    passphrase = asked.value();
  } else {
    std::cerr << "kuzot export: writing every record in the clear, sensitive fields and secret "
                 "records too; keep the file as safe as the data directory\n";
  }
  auto records = OpenDataDir(o.data_dir);
  if (!records.ok()) {
    std::cerr << "kuzot export: " << records.status().message() << "\n";
    return 1;
  }
  ProgressBar bar("exporting");
  auto progress = [&](int64_t d, int64_t t) { bar.Update(d, t); };
  bool to_stdout = o.output.empty() || o.output == "-";
  Status s;
  // Write beside the target and rename: a failed export leaves no half file.
  std::string temp = o.output + ".partial";
  if (to_stdout) {
    s = WriteBundle(*records.value(), std::cout, passphrase, progress);
  } else {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) {
      std::cerr << "kuzot export: cannot write " << temp << "\n";
      return 1;
    }
    std::filesystem::permissions(
        temp, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    s = WriteBundle(*records.value(), out, passphrase, progress);
    out.close();
    if (s.ok() && !out) s = Status::Unavailable("write failed");
    if (!s.ok()) std::filesystem::remove(temp);
  }
  if (!s.ok()) {
    std::cerr << "kuzot export: " << s.message() << "\n";
    return 1;
  }
  if (!to_stdout) std::filesystem::rename(temp, o.output);
  Status audited = records.value()->AuditExport(
      Caller::System("operator"), records::Json{{"format", o.format},
                                                {"encrypted", !o.plaintext},
                                                {"to", to_stdout ? "standard output" : o.output}});
  if (!audited.ok()) {
    std::cerr << "kuzot export: the export was written but not logged: " << audited.message()
              << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

void AddDataCommands(CLI::App& app) {
  auto options = std::make_shared<DataOptions>();
  CLI::App* import = app.add_subcommand(
      "import", "Import a JSON bundle (from `kuzot export`, or hand-written); all or nothing");
  import->add_option("--data", options->data_dir, "data directory")
      ->envname("KUZOT_DATA")
      ->capture_default_str();
  import->add_option("--format", options->format, "input format")
      ->check(CLI::IsMember({"json"}))
      ->capture_default_str();
  import->add_option("--user", options->user, "name recorded as the author of new records")
      ->capture_default_str();
  import->add_option("FILE", options->file, "the bundle to import")
      ->required()
      ->check(CLI::ExistingFile);
  AddKeyFileOption(import);
  import->callback([options] {
    int rc = Import(*options);
    if (rc) throw CLI::RuntimeError(rc);
  });

CLI::App* exp = app.add_subcommand(
    "export",
    "Export the whole database (records, history, vocabularies) as one JSON bundle, "
    "encrypted with a passphrase unless --plaintext");
exp->add_option("--data", options->data_dir, "data directory")
    ->envname("KUZOT_DATA")
    ->capture_default_str();
exp->add_option("--format", options->format, "output format")
    ->check(CLI::IsMember({"json"}))
    ->capture_default_str();
exp->add_option("-o,--output", options->output, "file to write; standard output when absent");
exp->add_flag("--plaintext", options->plaintext,
              "write the bundle in the clear; otherwise it is encrypted under "
              "KUZOT_EXPORT_PASSPHRASE (or a passphrase asked on the terminal)");
AddKeyFileOption(exp);
exp->callback([options] {
  int rc = Export(*options);
  if (rc) throw CLI::RuntimeError(rc);
});
}  // namespace kuzot::cli

}  // namespace kuzot::cli
