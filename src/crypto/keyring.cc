// The keyring file, key derivation and the sealing of small values.
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>

#include "crypto/crypto_impl.h"

namespace kuzot::crypto {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

constexpr char kFormat[] = "kuzot-keyring";
constexpr int kVersion = 1;
constexpr size_t kMinPassphrase = 12;
constexpr size_t kMinKeyFileBytes = 32;
constexpr size_t kMaxKeyFileBytes = 64 * 1024;
constexpr char kSealedPrefix[] = "kz1:";
constexpr size_t kPadBlock = 32;
constexpr unsigned char kSealedVersion = 1;

// The context of each derived subkey (crypto_kdf wants 8 bytes).
constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES + 1] = "kuzotkey";

std::string Base64(const unsigned char* data, size_t size) {
  std::string out(sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), data, size, sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::optional<std::string> FromBase64(std::string_view in) {
  std::string out(in.size(), '\0');
  size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), in.data(),
                        in.size(), nullptr, &length, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != in.data() + in.size()) {
    return std::nullopt;
  }
  out.resize(length);
  return out;
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// Associated data of a wrapped data key: the keyring and the generation.
std::string WrapAssociated(const std::string& keyring_id, uint32_t generation) {
  return "kuzot-keyring-v1\n" + keyring_id + "\n" + std::to_string(generation);
}

// Reads a key file, refusing one that others may read or that is too short.
Result<std::string> ReadKeyFile(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return Status::NotFound("the key file " + path + " does not exist");
  }
  if (!S_ISREG(st.st_mode))
    return Status::InvalidArgument("the key file " + path + " is not a file");
  if (st.st_mode & (S_IRWXG | S_IRWXO)) {
    return Status::InvalidArgument("the key file " + path +
                                   " may be read by other users; make it private with chmod 600 " +
                                   path);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Unavailable("cannot read the key file " + path);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (content.size() > kMaxKeyFileBytes) {
    return Status::InvalidArgument("the key file " + path + " is larger than 64 KiB");
  }
  while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) content.pop_back();
  if (content.size() < kMinKeyFileBytes) {
    return Status::InvalidArgument("the key file " + path +
                                   " is too short (at least 32 bytes of random data)");
  }
  return content;
}

// Whether `inner` is `outer` or inside it (after resolving links).
bool Inside(const std::string& inner, const std::string& outer) {
  std::error_code ec;
  fs::path a = fs::weakly_canonical(fs::absolute(inner, ec), ec);
  fs::path b = fs::weakly_canonical(fs::absolute(outer, ec), ec);
  auto [end, ignored] = std::mismatch(b.begin(), b.end(), a.begin(), a.end());
  return end == b.end();
}

Status WriteFileAtomically(const std::string& path, const std::string& content) {
  std::string temp = path + ".tmp";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Unavailable("cannot write " + temp + ": " + std::strerror(errno));
  size_t written = 0;
  while (written < content.size()) {
    ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n <= 0) {
      ::close(fd);
      ::unlink(temp.c_str());
      return Status::Unavailable("cannot write " + temp + ": " + std::strerror(errno));
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(temp.c_str());
    return Status::Unavailable("cannot write " + temp + ": " + std::strerror(errno));
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    ::unlink(temp.c_str());
    return Status::Unavailable("cannot replace " + path + ": " + std::strerror(errno));
  }
  // The rename itself must survive a power cut.
  std::string dir = fs::path(path).parent_path().string();
  int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status::Ok();
}

std::string KeyringPath(const std::string& data_dir) {
  return (fs::path(data_dir) / Keyring::kFileName).string();
}

}  // namespace

Status Init() {
  static const int rc = sodium_init();
  if (rc < 0) return Status::Internal("libsodium failed to initialise");
  return Status::Ok();
}

KdfLimits KdfLimits::FromEnvironment() {
  KdfLimits limits;
  if (const char* ops = std::getenv("KUZOT_KDF_OPSLIMIT")) {
    limits.ops = std::max<uint64_t>(crypto_pwhash_OPSLIMIT_MIN, std::strtoull(ops, nullptr, 10));
  }
  if (const char* mem = std::getenv("KUZOT_KDF_MEMLIMIT")) {
    limits.memory_bytes =
        std::max<size_t>(crypto_pwhash_MEMLIMIT_MIN, std::strtoull(mem, nullptr, 10));
  }
  return limits;
}

std::string KeySource::Describe() const {
  switch (kind) {
    case Kind::kNone:
      return "no key";
    case Kind::kPassphrase:
      return "the passphrase";
    case Kind::kKeyFile:
      return "the key file " + key_file;
  }
  return "no key";
}

Status CreateKeyFile(const std::string& path) {
  KUZOT_RETURN_IF_ERROR(Init());
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Status::Conflict("the key file " + path + " already exists");
    return Status::Unavailable("cannot create the key file " + path + ": " + std::strerror(errno));
  }
  unsigned char key[32];
  randombytes_buf(key, sizeof key);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, key, sizeof key);
  sodium_memzero(key, sizeof key);
  std::string content = std::string(hex) + "\n";
  sodium_memzero(hex, sizeof hex);
  bool ok = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
  ok = ::fsync(fd) == 0 && ok;
  ok = ::close(fd) == 0 && ok;
  sodium_memzero(content.data(), content.size());
  if (!ok) {
    ::unlink(path.c_str());
    return Status::Unavailable("cannot write the key file " + path);
  }
  return Status::Ok();
}

// ---- SecretBytes and the key material ----

SecretBytes::SecretBytes(size_t size) : size_(size) {
  data_ = static_cast<unsigned char*>(sodium_malloc(size));
  if (!data_) throw std::bad_alloc();
}
SecretBytes::~SecretBytes() { sodium_free(data_); }

GenerationKeys::GenerationKeys(const unsigned char* master) : keys(4 * 32) {
  for (uint64_t purpose = 1; purpose <= 4; ++purpose) {
    crypto_kdf_derive_from_key(keys.data() + (purpose - 1) * 32, 32, purpose, kKdfContext, master);
  }
}

const unsigned char* GenerationKeys::For(Purpose purpose) const {
  return keys.data() + (static_cast<uint64_t>(purpose) - 1) * 32;
}

const GenerationKeys* Keyring::Impl::Keys(uint32_t generation) const {
  auto it = masters.find(generation == 0 ? current : generation);
  return it == masters.end() ? nullptr : it->second.derived.get();
}

// Derives the KEK for `source` (with `kdf` = the stored parameters when
// opening, or new ones when creating) into `kek`.
Status Keyring::Impl::DeriveKek(const KeySource& source, const Json& kdf, unsigned char* kek) {
  if (source.kind == KeySource::Kind::kKeyFile) {
    KUZOT_ASSIGN_OR_RETURN(std::string content, ReadKeyFile(source.key_file));
    static const char kDomain[] = "kuzot key file v1";
    crypto_generichash_state state;
    crypto_generichash_init(&state, nullptr, 0, 32);
    crypto_generichash_update(&state, Bytes(kDomain), sizeof kDomain);
    crypto_generichash_update(&state, Bytes(content), content.size());
    crypto_generichash_final(&state, kek, 32);
    sodium_memzero(content.data(), content.size());
    return Status::Ok();
  }
  if (source.kind != KeySource::Kind::kPassphrase) {
    return Status::Unauthorized("no passphrase or key file was given");
  }
  auto salt = FromBase64(kdf.value("salt", ""));
  if (!salt || salt->size() != crypto_pwhash_SALTBYTES) {
    return Status::InvalidArgument("the keyring's salt is damaged");
  }
  uint64_t ops = kdf.value("opslimit", uint64_t{0});
  uint64_t mem = kdf.value("memlimit", uint64_t{0});
  if (ops < crypto_pwhash_OPSLIMIT_MIN || ops > 64 || mem < crypto_pwhash_MEMLIMIT_MIN ||
      mem > (uint64_t{8} << 30)) {
    return Status::InvalidArgument("the keyring's Argon2id costs are out of range");
  }
  if (crypto_pwhash(kek, 32, source.passphrase.data(), source.passphrase.size(), Bytes(*salt), ops,
                    static_cast<size_t>(mem), crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::Unavailable("not enough memory to derive the key from the passphrase");
  }
  return Status::Ok();
}

Json Keyring::Impl::NewKdf(const KeySource& source, const KdfLimits& limits) {
  if (source.kind == KeySource::Kind::kKeyFile) return {{"kind", "key_file"}};
  unsigned char salt[crypto_pwhash_SALTBYTES];
  randombytes_buf(salt, sizeof salt);
  return {{"kind", "passphrase"},
          {"algorithm", "argon2id13"},
          {"opslimit", limits.ops},
          {"memlimit", limits.memory_bytes},
          {"salt", Base64(salt, sizeof salt)}};
}

Status Keyring::Impl::CheckSource(const KeySource& source, const std::string& data_dir) {
  if (source.kind == KeySource::Kind::kNone) {
    return Status::Unauthorized("no passphrase or key file was given");
  }
  if (source.kind == KeySource::Kind::kPassphrase && source.passphrase.size() < kMinPassphrase) {
    return Status::InvalidArgument("the passphrase must be at least 12 characters long");
  }
  if (source.kind == KeySource::Kind::kKeyFile && Inside(source.key_file, data_dir)) {
    return Status::InvalidArgument("the key file " + source.key_file +
                                   " is inside the data directory " + data_dir +
                                   "; keep it elsewhere, or a copy of the directory reads "
                                   "everything");
  }
  return Status::Ok();
}

// Serialises the keyring with every generation wrapped under `kek`.
std::string Keyring::Impl::Serialise(const unsigned char* kek) const {
  Json generations = Json::array();
  for (const auto& [id, g] : masters) {
    unsigned char nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
    randombytes_buf(nonce, sizeof nonce);
    std::string ad = WrapAssociated(keyring_id, id);
    unsigned char wrapped[32 + crypto_aead_xchacha20poly1305_ietf_ABYTES];
    unsigned long long wrapped_length = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(wrapped, &wrapped_length, g.master->data(), 32,
                                               Bytes(ad), ad.size(), nullptr, nonce, kek);
    std::string blob(reinterpret_cast<char*>(nonce), sizeof nonce);
    blob.append(reinterpret_cast<char*>(wrapped), wrapped_length);
    generations.push_back({{"id", id},
                           {"created_at", g.created_at},
                           {"wrapped_key", Base64(Bytes(blob), blob.size())}});
  }
  Json doc = {{"format", kFormat},
              {"version", kVersion},
              {"id", keyring_id},
              {"kek", kdf},
              {"generations", generations},
              {"note",
               "Kuzot's data keys, each encrypted with a key derived from the operator's "
               "passphrase or key file. Losing this file, or the passphrase or key file, loses "
               "the encrypted data: back them up, separately."}};
  return doc.dump(2) + "\n";
}

Status Keyring::Impl::Write(const unsigned char* kek) const {
  return WriteFileAtomically(KeyringPath(data_dir), Serialise(kek));
}

Keyring::Keyring(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Keyring::~Keyring() = default;

bool Keyring::Exists(const std::string& data_dir) {
  std::error_code ec;
  return fs::exists(KeyringPath(data_dir), ec);
}

namespace {
std::string NowUtc() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}
}  // namespace

Result<std::unique_ptr<Keyring>> Keyring::Create(const std::string& data_dir,
                                                 const KeySource& source, const KdfLimits& limits) {
  KUZOT_RETURN_IF_ERROR(Init());
  if (Exists(data_dir)) {
    return Status::Conflict("the data directory " + data_dir + " already has a keyring");
  }
  KUZOT_RETURN_IF_ERROR(Impl::CheckSource(source, data_dir));
  auto impl = std::make_unique<Impl>();
  impl->data_dir = data_dir;
  unsigned char id[16];
  randombytes_buf(id, sizeof id);
  char hex[33];
  sodium_bin2hex(hex, sizeof hex, id, sizeof id);
  impl->keyring_id = hex;
  impl->kdf = Impl::NewKdf(source, limits);
  impl->kek = std::make_unique<SecretBytes>(32);
  KUZOT_RETURN_IF_ERROR(Impl::DeriveKek(source, impl->kdf, impl->kek->data()));
  impl->AddMaster(1, nullptr, NowUtc());
  impl->current = 1;
  KUZOT_RETURN_IF_ERROR(impl->Write(impl->kek->data()));
  return std::unique_ptr<Keyring>(new Keyring(std::move(impl)));
}

Result<std::unique_ptr<Keyring>> Keyring::Open(const std::string& data_dir,
                                               const KeySource& source) {
  // A hand-edited or damaged file may hold any JSON: a member of the wrong
  // type is a damaged keyring, not a crash.
  try {
    return OpenFile(data_dir, source);
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument("the keyring " + KeyringPath(data_dir) +
                                   " is damaged: " + e.what());
  }
}

Result<std::unique_ptr<Keyring>> Keyring::OpenFile(const std::string& data_dir,
                                                   const KeySource& source) {
  KUZOT_RETURN_IF_ERROR(Init());
  std::string path = KeyringPath(data_dir);
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("there is no keyring in " + data_dir);
  Json doc = Json::parse(in, nullptr, false);
  auto damaged = [&](const std::string& what) {
    return Status::InvalidArgument("the keyring " + path + " is damaged: " + what);
  };
  if (!doc.is_object() || doc.value("format", "") != kFormat) return damaged("not a Kuzot keyring");
  if (doc.value("version", 0) != kVersion) return damaged("unknown version");
  if (!doc.contains("kek") || !doc["kek"].is_object() || !doc.contains("generations") ||
      !doc["generations"].is_array() || doc["generations"].empty() || !doc.contains("id") ||
      !doc["id"].is_string()) {
    return damaged("fields are missing");
  }
  auto impl = std::make_unique<Impl>();
  impl->data_dir = data_dir;
  impl->keyring_id = doc["id"].get<std::string>();
  impl->kdf = doc["kek"];
  std::string kind = impl->kdf.value("kind", "");
  if (kind == "passphrase" && source.kind == KeySource::Kind::kKeyFile) {
    return Status::Unauthorized(
        "this data directory is locked with a passphrase, not a key file; "
        "give the passphrase (KUZOT_PASSPHRASE)");
  }
  if (kind == "key_file" && source.kind == KeySource::Kind::kPassphrase) {
    return Status::Unauthorized(
        "this data directory is locked with a key file, not a passphrase; "
        "give the key file (--key-file or KUZOT_KEY_FILE)");
  }
  if (source.kind == KeySource::Kind::kNone) {
    return Status::Unauthorized("no passphrase or key file was given");
  }
  if (kind != "passphrase" && kind != "key_file") return damaged("unknown kind of key");
  impl->kek = std::make_unique<SecretBytes>(32);
  const unsigned char* kek = impl->kek->data();
  KUZOT_RETURN_IF_ERROR(Impl::DeriveKek(source, impl->kdf, impl->kek->data()));
  for (const auto& g : doc["generations"]) {
    if (!g.is_object() || !g.contains("id") || !g["id"].is_number_unsigned()) {
      return damaged("a generation has no id");
    }
    uint32_t id = g["id"].get<uint32_t>();
    auto blob = FromBase64(g.value("wrapped_key", ""));
    constexpr size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
    if (id == 0 || !blob ||
        blob->size() != kNonce + 32 + crypto_aead_xchacha20poly1305_ietf_ABYTES) {
      return damaged("generation " + std::to_string(id) + " is unreadable");
    }
    SecretBytes master(32);
    unsigned long long length = 0;
    std::string ad = WrapAssociated(impl->keyring_id, id);
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(master.data(), &length, nullptr,
                                                   Bytes(*blob) + kNonce, blob->size() - kNonce,
                                                   Bytes(ad), ad.size(), Bytes(*blob), kek) != 0) {
      return Status::Unauthorized("wrong " +
                                  std::string(kind == "passphrase" ? "passphrase" : "key file") +
                                  ": it does not unlock the keyring " + path);
    }
    impl->AddMaster(id, master.data(), g.value("created_at", ""));
    impl->current = std::max(impl->current, id);
  }
  return std::unique_ptr<Keyring>(new Keyring(std::move(impl)));
}

void Keyring::Impl::AddMaster(uint32_t id, const unsigned char* key, std::string created) {
  Generation g;
  g.master = std::make_unique<SecretBytes>(32);
  if (key) {
    std::memcpy(g.master->data(), key, 32);
  } else {
    crypto_kdf_keygen(g.master->data());
  }
  g.derived = std::make_unique<GenerationKeys>(g.master->data());
  g.created_at = std::move(created);
  masters[id] = std::move(g);
}

const std::string& Keyring::id() const { return impl_->keyring_id; }
uint32_t Keyring::current() const { return impl_->current; }
std::vector<uint32_t> Keyring::generations() const {
  std::vector<uint32_t> out;
  for (const auto& [id, g] : impl_->masters) out.push_back(id);
  return out;
}
bool Keyring::HasGeneration(uint32_t generation) const {
  return impl_->masters.count(generation) > 0;
}
std::string Keyring::kek_kind() const {
  return impl_->kdf.value("kind", "") == "passphrase" ? "passphrase" : "key file";
}

Result<uint32_t> Keyring::AddGeneration() {
  uint32_t id = impl_->current + 1;
  impl_->AddMaster(id, nullptr, NowUtc());
  Status s = impl_->Write(impl_->kek->data());
  if (!s.ok()) {
    impl_->masters.erase(id);
    return s;
  }
  impl_->current = id;
  return id;
}

Status Keyring::Rewrap(const KeySource& source, const KdfLimits& limits) {
  KUZOT_RETURN_IF_ERROR(Impl::CheckSource(source, impl_->data_dir));
  Json old_kdf = impl_->kdf;
  impl_->kdf = Impl::NewKdf(source, limits);
  auto kek = std::make_unique<SecretBytes>(32);
  Status s = Impl::DeriveKek(source, impl_->kdf, kek->data());
  if (s.ok()) s = impl_->Write(kek->data());
  if (!s.ok()) {
    impl_->kdf = old_kdf;
    return s;
  }
  impl_->kek = std::move(kek);
  return Status::Ok();
}

// ---- sealing of small values ----

Result<std::string> Keyring::Seal(std::string_view plaintext, std::string_view associated,
                                  uint32_t generation) const {
  uint32_t gen = generation == 0 ? impl_->current : generation;
  const GenerationKeys* keys = impl_->Keys(gen);
  if (!keys) return Status::Internal("the keyring has no generation " + std::to_string(gen));
  // Pad to whole blocks: a phone number and a street address of similar
  // length seal to the same size.
  size_t padded_capacity = plaintext.size() + kPadBlock;
  std::vector<unsigned char> padded(padded_capacity);
  std::memcpy(padded.data(), plaintext.data(), plaintext.size());
  size_t padded_length = 0;
  if (sodium_pad(&padded_length, padded.data(), plaintext.size(), kPadBlock, padded_capacity) !=
      0) {
    return Status::Internal("padding failed");
  }
  constexpr size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  std::string blob(1 + 4 + kNonce + padded_length + crypto_aead_xchacha20poly1305_ietf_ABYTES,
                   '\0');
  auto* out = reinterpret_cast<unsigned char*>(blob.data());
  out[0] = kSealedVersion;
  for (int i = 0; i < 4; ++i) out[1 + i] = static_cast<unsigned char>(gen >> (8 * i));
  randombytes_buf(out + 5, kNonce);
  unsigned long long length = 0;
  // The header (version, generation) is authenticated with the caller's data.
  std::string ad(reinterpret_cast<char*>(out), 5);
  ad.append(associated);
  crypto_aead_xchacha20poly1305_ietf_encrypt(out + 5 + kNonce, &length, padded.data(),
                                             padded_length, Bytes(ad), ad.size(), nullptr, out + 5,
                                             keys->For(Purpose::kRecordFields));
  sodium_memzero(padded.data(), padded.size());
  return kSealedPrefix + Base64(out, blob.size());
}

bool Keyring::IsSealed(std::string_view value) {
  return value.substr(0, sizeof kSealedPrefix - 1) == kSealedPrefix;
}

std::optional<uint32_t> Keyring::SealedGeneration(std::string_view sealed) {
  if (!IsSealed(sealed)) return std::nullopt;
  // The first 5 bytes are in the first 8 base64 characters.
  auto head = FromBase64(sealed.substr(sizeof kSealedPrefix - 1, 8));
  if (!head || head->size() < 5 || static_cast<unsigned char>((*head)[0]) != kSealedVersion) {
    return std::nullopt;
  }
  uint32_t gen = 0;
  for (int i = 0; i < 4; ++i)
    gen |= uint32_t{static_cast<unsigned char>((*head)[1 + i])} << (8 * i);
  return gen;
}

Result<std::string> Keyring::Open(std::string_view sealed, std::string_view associated) const {
  if (!IsSealed(sealed)) return Status::InvalidArgument("not a sealed value");
  auto blob = FromBase64(sealed.substr(sizeof kSealedPrefix - 1));
  constexpr size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  constexpr size_t kOverhead = 5 + kNonce + crypto_aead_xchacha20poly1305_ietf_ABYTES;
  if (!blob || blob->size() < kOverhead + kPadBlock ||
      static_cast<unsigned char>((*blob)[0]) != kSealedVersion) {
    return Status::InvalidArgument("not a sealed value");
  }
  const unsigned char* in = Bytes(*blob);
  uint32_t gen = 0;
  for (int i = 0; i < 4; ++i) gen |= uint32_t{in[1 + i]} << (8 * i);
  const GenerationKeys* keys = impl_->Keys(gen);
  if (!keys) {
    return Status::Internal("a value was sealed with key generation " + std::to_string(gen) +
                            ", which this keyring does not have");
  }
  std::string ad(reinterpret_cast<const char*>(in), 5);
  ad.append(associated);
  std::vector<unsigned char> plain(blob->size() - kOverhead);
  unsigned long long length = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain.data(), &length, nullptr, in + 5 + kNonce,
                                                 blob->size() - 5 - kNonce, Bytes(ad), ad.size(),
                                                 in + 5, keys->For(Purpose::kRecordFields)) != 0) {
    return Status::Internal("a sealed value cannot be decrypted: it was changed or moved");
  }
  size_t unpadded = 0;
  if (sodium_unpad(&unpadded, plain.data(), length, kPadBlock) != 0) {
    return Status::Internal("a sealed value has bad padding");
  }
  std::string out(reinterpret_cast<char*>(plain.data()), unpadded);
  sodium_memzero(plain.data(), plain.size());
  return out;
}

std::string Keyring::Blind(std::string_view domain, std::string_view value,
                           uint32_t generation) const {
  const GenerationKeys* keys = impl_->Keys(generation);
  if (!keys) return {};
  crypto_generichash_state state;
  crypto_generichash_init(&state, keys->For(Purpose::kBlindIndex), 32, 16);
  // Length-prefixed domain: ("ab", "c") and ("a", "bc") differ.
  unsigned char length[8];
  uint64_t n = domain.size();
  for (int i = 0; i < 8; ++i) length[i] = static_cast<unsigned char>(n >> (8 * i));
  crypto_generichash_update(&state, length, sizeof length);
  crypto_generichash_update(&state, Bytes(domain), domain.size());
  crypto_generichash_update(&state, Bytes(value), value.size());
  unsigned char out[16];
  crypto_generichash_final(&state, out, sizeof out);
  char hex[33];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return hex;
}

std::string Keyring::Subkey(Purpose purpose, uint32_t generation) const {
  const GenerationKeys* keys = impl_->Keys(generation);
  if (!keys) return {};
  return std::string(reinterpret_cast<const char*>(keys->For(purpose)), 32);
}

}  // namespace kuzot::crypto
