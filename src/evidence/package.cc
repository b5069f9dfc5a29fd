// Evidence packages: chosen files, decrypted, with a manifest (SHA-256 per
// file, metadata, the chain of custody) signed with the installation's
// Ed25519 key; and the check of such a package anywhere.
#include <sodium.h>

#include <fstream>
#include <set>

#include "common/clock.h"
#include "evidence/service_impl.h"

namespace kuzot::evidence {
namespace {

namespace fs = std::filesystem;

constexpr char kFormat[] = "kuzot-evidence-package";

std::string Hex(std::string_view bytes) {
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                 bytes.size());
  out.pop_back();
  return out;
}

std::string Unhex(const std::string& hex) {
  std::string out(hex.size() / 2, '\0');
  size_t length = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), hex.data(),
                     hex.size(), " \n\r\t", &length, nullptr) != 0) {
    return "";
  }
  out.resize(length);
  return out;
}

constexpr char kReadme[] = R"(Kuzot evidence package

manifest.json  every file with its SHA-256, size, type, record and chain of custody
manifest.sig   Ed25519 signature (hex) of manifest.json's exact bytes, made by the
               Kuzot installation whose public key is in manifest.json
               ("installation.public_key"); compare that key with the one the
               sending organisation published or gave you
SHA256SUMS     the same hashes for `sha256sum -c SHA256SUMS`
files/         the files, decrypted, exactly as they were uploaded

To check the package: `kuzot verify-package DIR [--public-key HEX]`, or by hand:
sha256sum -c SHA256SUMS, and verify manifest.sig over manifest.json with any
Ed25519 tool (libsodium crypto_sign_verify_detached, OpenSSL pkeyutl -verify
-rawin). Each custody entry's hash is SHA-256 over prev_hash, evidence_id,
at, actor, action, remote, sha256 and detail, each preceded by its length as
8 bytes little-endian; the first entry's prev_hash is empty.
)";

}  // namespace

Status EvidenceService::Impl::LoadSigningKey() {
  fs::path path = blobs.root() / "sealed" / kSigningKeyFile;
  std::error_code ec;
  if (fs::exists(path, ec)) {
    KUZOT_ASSIGN_OR_RETURN(signing_secret, blobs.ReadSealed(path, kSigningKeyFile));
    if (signing_secret.size() != crypto_sign_SECRETKEYBYTES) {
      return Status::Corrupt("the installation's signing key is damaged");
    }
  } else {
    // Generated once per installation; kept sealed under the data key.
    std::string pk(crypto_sign_PUBLICKEYBYTES, '\0');
    signing_secret.assign(crypto_sign_SECRETKEYBYTES, '\0');
    crypto_sign_keypair(reinterpret_cast<unsigned char*>(pk.data()),
                        reinterpret_cast<unsigned char*>(signing_secret.data()));
    KUZOT_RETURN_IF_ERROR(blobs.WriteSealed(path, kSigningKeyFile, signing_secret));
  }
  signing_public.assign(crypto_sign_PUBLICKEYBYTES, '\0');
  crypto_sign_ed25519_sk_to_pk(reinterpret_cast<unsigned char*>(signing_public.data()),
                               reinterpret_cast<const unsigned char*>(signing_secret.data()));
  // Published beside the data for operators; recipients pin it.
  return WriteFileAtomic(blobs.root() / "signing-public-key.txt", Hex(signing_public) + "\n");
}

std::string EvidenceService::SigningPublicKeyHex() const { return Hex(impl_->signing_public); }

Result<ExportReport> EvidenceService::Export(const Caller& caller,
                                             const std::vector<std::string>& ids,
                                             const fs::path& out) {
  if (ids.empty()) return Status::InvalidArgument("name at least one evidence id", "ids");
  std::error_code ec;
  if (fs::exists(out, ec) && !fs::is_empty(out, ec)) {
    return Status::InvalidArgument(out.string() + " is not empty; give a new folder", "out");
  }
  fs::create_directories(out / "files", ec);
  if (ec)
    return Status::InvalidArgument("cannot create " + out.string() + ": " + ec.message(), "out");

  ExportReport report;
  report.public_key_hex = SigningPublicKeyHex();
  Json files = Json::array();
  std::string sums;
  std::set<std::string> done;
  for (const std::string& id : ids) {
    if (!done.insert(id).second) continue;
    KUZOT_ASSIGN_OR_RETURN(auto download, OpenFile(caller, id, "export"));
    KUZOT_ASSIGN_OR_RETURN(auto record, impl_->LoadVisible(caller, id));
    std::string name = SafeFileName(download.file_name, "");
    std::string relative = "files/" + id + (name.empty() ? "" : "-" + name);
    {
      std::ofstream file(out / relative, std::ios::binary | std::ios::trunc);
      if (!file) return Status::InvalidArgument("cannot write " + (out / relative).string(), "out");
      Sha256 hash;
      std::string buffer(1 << 20, '\0');
      for (;;) {
        KUZOT_ASSIGN_OR_RETURN(size_t n, download.stream->Read(buffer.data(), buffer.size()));
        if (n == 0) break;
        hash.Update(buffer.data(), n);
        file.write(buffer.data(), static_cast<std::streamsize>(n));
      }
      file.close();
      if (!file) return Status::Internal("writing " + (out / relative).string() + " failed");
      if (hash.FinalHex() != download.sha256) {
        fs::remove(out / relative, ec);
        return Status::Corrupt("evidence " + id +
                               " decrypts to other content than recorded; "
                               "it was not exported");
      }
    }
    KUZOT_RETURN_IF_ERROR(
        impl_->RecordCustody(id, caller, "export", download.sha256,
                             {{"package", out.filename().string()}, {"path", relative}}));
    KUZOT_ASSIGN_OR_RETURN(Json custody, Custody(caller, id));
    Json body = Json::parse(record.body, nullptr, false);
    Json evidence = {{"id", record.id},
                     {"revision", record.revision},
                     {"confidentiality", record.confidentiality},
                     {"created_at", record.created_at},
                     {"created_by", record.created_by}};
    for (auto& [k, v] : body.items()) evidence[k] = v;
    files.push_back({{"path", relative},
                     {"sha256", download.sha256},
                     {"size", download.stream->size()},
                     {"media_type", download.media_type},
                     {"evidence", evidence},
                     {"custody", custody["items"]}});
    sums += download.sha256 + "  " + relative + "\n";
    ++report.files;
    report.bytes += download.stream->size();
  }
  Json manifest = {
      {"format", kFormat},
      {"version", 1},
      {"created_at", NowIso8601()},
      {"created_by", caller.user},
      {"installation", {{"algorithm", "Ed25519"}, {"public_key", report.public_key_hex}}},
      {"files", files}};
  std::string text = manifest.dump(2) + "\n";
  unsigned char signature[crypto_sign_BYTES];
  crypto_sign_detached(signature, nullptr, reinterpret_cast<const unsigned char*>(text.data()),
                       text.size(),
                       reinterpret_cast<const unsigned char*>(impl_->signing_secret.data()));
  KUZOT_RETURN_IF_ERROR(WriteFileAtomic(out / "manifest.json", text));
  KUZOT_RETURN_IF_ERROR(WriteFileAtomic(
      out / "manifest.sig",
      Hex(std::string_view(reinterpret_cast<char*>(signature), sizeof signature)) + "\n"));
  KUZOT_RETURN_IF_ERROR(WriteFileAtomic(out / "SHA256SUMS", sums));
  KUZOT_RETURN_IF_ERROR(WriteFileAtomic(out / "README.txt", kReadme));
  return report;
}

std::string SafeFileName(std::string_view name, std::string_view fallback) {
  std::string out;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_';
    out += ok ? c : '_';
  }
  while (!out.empty() && out.front() == '.') out.erase(0, 1);
  return out.empty() ? std::string(fallback) : out.substr(0, 100);
}

PackageVerdict VerifyPackage(const fs::path& dir, const std::string& pinned_key_hex) {
  PackageVerdict v;
  auto text = ReadWholeFile(dir / "manifest.json");
  auto sig = ReadWholeFile(dir / "manifest.sig");
  if (!text.ok() || !sig.ok()) {
    v.problems.push_back("manifest.json or manifest.sig is missing: not a Kuzot evidence package");
    return v;
  }
  Json manifest = Json::parse(text.value(), nullptr, false);
  if (!manifest.is_object() || manifest.value("format", "") != kFormat) {
    v.problems.push_back("manifest.json is not a Kuzot evidence manifest");
    return v;
  }
  v.public_key_hex = manifest["installation"].value("public_key", "");
  std::string key = Unhex(pinned_key_hex.empty() ? v.public_key_hex : pinned_key_hex);
  std::string signature = Unhex(sig.value());
  if (!pinned_key_hex.empty() && pinned_key_hex != v.public_key_hex) {
    v.problems.push_back("manifest.json names the key " + v.public_key_hex +
                         ", not the pinned one");
  }
  if (key.size() != crypto_sign_PUBLICKEYBYTES || signature.size() != crypto_sign_BYTES ||
      crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(signature.data()),
                                  reinterpret_cast<const unsigned char*>(text->data()),
                                  text->size(),
                                  reinterpret_cast<const unsigned char*>(key.data())) != 0) {
    v.problems.push_back(
        "manifest.sig: the signature does not match manifest.json (the manifest "
        "was altered, or signed by another key)");
  }
  std::set<std::string> listed;
  for (const auto& f : manifest.value("files", Json::array())) {
    std::string path = f.value("path", "");
    ++v.files;
    listed.insert(path);
    if (path.rfind("files/", 0) != 0 || path.find("..") != std::string::npos) {
      v.problems.push_back(path + ": not a path inside the package");
      continue;
    }
    std::ifstream in(dir / path, std::ios::binary);
    if (!in) {
      v.problems.push_back(path + ": missing");
      continue;
    }
    Sha256 hash;
    uint64_t size = 0;
    std::string buffer(1 << 20, '\0');
    while (in) {
      in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      hash.Update(buffer.data(), static_cast<size_t>(in.gcount()));
      size += static_cast<uint64_t>(in.gcount());
    }
    std::string sha = hash.FinalHex();
    if (sha != f.value("sha256", "") || size != f.value("size", uint64_t{0})) {
      v.problems.push_back(path + ": SHA-256 " + sha + " (" + std::to_string(size) +
                           " bytes) where the manifest says " + f.value("sha256", "") + " (" +
                           std::to_string(f.value("size", uint64_t{0})) +
                           " bytes): it was altered");
    }
    std::string prev;
    for (const auto& c : f.value("custody", Json::array())) {
      storage::CustodyEntry e;
      e.evidence_id = f["evidence"].value("id", "");
      e.at = c.value("at", "");
      e.actor = c.value("actor", "");
      e.action = c.value("action", "");
      e.remote = c.value("remote", "");
      e.sha256 = c.value("sha256", "");
      e.detail = c.contains("detail") ? c["detail"].dump() : "{}";
      e.prev_hash = c.value("prev_hash", "");
      if (e.prev_hash != prev || storage::CustodyHash(e) != c.value("hash", "")) {
        v.problems.push_back(path + ": custody entry " + std::to_string(c.value("seq", 0)) +
                             " does not chain");
        break;
      }
      prev = c.value("hash", "");
    }
  }
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir / "files", ec)) {
    std::string relative = "files/" + entry.path().filename().string();
    if (!listed.count(relative)) v.problems.push_back(relative + ": not in the manifest");
  }
  v.ok = v.problems.empty();
  return v;
}

}  // namespace kuzot::evidence
