// Sealed streams: libsodium secretstream (XChaCha20-Poly1305) in chunks.
//
// Layout (all integers little-endian):
//   "KZS1"  kind(1)
//   kind 1 (keyring):    generation(4)  nonce(24) wrapped file key(32+16)
//   kind 2 (passphrase): opslimit(8) memlimit(8) salt(16)
//   secretstream header(24)
//   chunks: length(4) ciphertext(length), the last one tagged FINAL
// Every chunk is authenticated with the caller's associated data; the
// FINAL tag proves the stream was not cut short.
#include <sodium.h>

#include <cstring>
#include <istream>
#include <ostream>

#include "crypto/crypto_impl.h"

namespace kuzot::crypto {
namespace {

constexpr char kMagic[4] = {'K', 'Z', 'S', '1'};
constexpr unsigned char kKindKeyring = 1;
constexpr unsigned char kKindPassphrase = 2;
constexpr size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kWrapped = 32 + crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr size_t kMaxCipherChunk =
    StreamWriter::kChunkBytes + crypto_secretstream_xchacha20poly1305_ABYTES;
// A hostile header must not make us allocate gigabytes or spin for minutes.
constexpr uint64_t kMaxOps = 64;
constexpr uint64_t kMaxMemory = uint64_t{4} << 30;

void PutLe(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}

uint64_t GetLe(const unsigned char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= uint64_t{p[i]} << (8 * i);
  return v;
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

std::string FileKeyAssociated(std::string_view prefix, std::string_view associated) {
  std::string ad = "kuzot-file-key-v1\n";
  ad.append(prefix);
  ad.push_back('\n');
  ad.append(associated);
  return ad;
}

bool ReadExactly(std::istream& in, unsigned char* out, size_t n) {
  in.read(reinterpret_cast<char*>(out), static_cast<std::streamsize>(n));
  return static_cast<size_t>(in.gcount()) == n;
}

}  // namespace

// ---- writer ----

struct StreamWriter::Impl {
  std::ostream* out = nullptr;
  std::string associated;
  crypto_secretstream_xchacha20poly1305_state state;
  std::string buffer;
  bool finished = false;

  ~Impl() { sodium_memzero(&state, sizeof state); }

  Status Start(const unsigned char* key, std::string header_prefix) {
    unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
    crypto_secretstream_xchacha20poly1305_init_push(&state, header, key);
    header_prefix.append(reinterpret_cast<char*>(header), sizeof header);
    out->write(header_prefix.data(), static_cast<std::streamsize>(header_prefix.size()));
    if (!*out) return Status::Unavailable("cannot write the sealed stream");
    return Status::Ok();
  }

  Status Push(const unsigned char* data, size_t size, unsigned char tag) {
    std::string cipher(size + crypto_secretstream_xchacha20poly1305_ABYTES, '\0');
    unsigned long long length = 0;
    crypto_secretstream_xchacha20poly1305_push(
        &state, reinterpret_cast<unsigned char*>(cipher.data()), &length, data, size,
        Bytes(associated), associated.size(), tag);
    std::string frame;
    PutLe(frame, length, 4);
    out->write(frame.data(), 4);
    out->write(cipher.data(), static_cast<std::streamsize>(length));
    if (!*out) return Status::Unavailable("cannot write the sealed stream");
    return Status::Ok();
  }
};

StreamWriter::StreamWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
StreamWriter::~StreamWriter() {
  if (impl_) sodium_memzero(impl_->buffer.data(), impl_->buffer.size());
}

Result<std::unique_ptr<StreamWriter>> StreamWriter::Begin(const Keyring& keyring, std::ostream& out,
                                                          std::string_view associated) {
  KUZOT_RETURN_IF_ERROR(Init());
  uint32_t gen = keyring.current();
  const GenerationKeys* keys = keyring.impl_->Keys(gen);
  if (!keys) return Status::Internal("the keyring has no current generation");
  auto impl = std::make_unique<Impl>();
  impl->out = &out;
  impl->associated = std::string(associated);
  std::string prefix(kMagic, 4);
  prefix.push_back(static_cast<char>(kKindKeyring));
  PutLe(prefix, gen, 4);
  // The file's own key, wrapped by the generation's file-key key.
  SecretBytes file_key(crypto_secretstream_xchacha20poly1305_KEYBYTES);
  crypto_secretstream_xchacha20poly1305_keygen(file_key.data());
  unsigned char nonce[kNonce];
  randombytes_buf(nonce, sizeof nonce);
  unsigned char wrapped[kWrapped];
  unsigned long long wrapped_length = 0;
  std::string ad = FileKeyAssociated(prefix, associated);
  crypto_aead_xchacha20poly1305_ietf_encrypt(wrapped, &wrapped_length, file_key.data(), 32,
                                             Bytes(ad), ad.size(), nullptr, nonce,
                                             keys->For(Purpose::kFileKeys));
  std::string header = prefix;
  header.append(reinterpret_cast<char*>(nonce), sizeof nonce);
  header.append(reinterpret_cast<char*>(wrapped), wrapped_length);
  KUZOT_RETURN_IF_ERROR(impl->Start(file_key.data(), header));
  return std::unique_ptr<StreamWriter>(new StreamWriter(std::move(impl)));
}

Result<std::unique_ptr<StreamWriter>> StreamWriter::BeginWithPassphrase(std::string_view passphrase,
                                                                        std::ostream& out,
                                                                        std::string_view associated,
                                                                        const KdfLimits& limits) {
  KUZOT_RETURN_IF_ERROR(Init());
  if (passphrase.size() < 12) {
    return Status::InvalidArgument("the passphrase must be at least 12 characters long");
  }
  auto impl = std::make_unique<Impl>();
  impl->out = &out;
  impl->associated = std::string(associated);
  unsigned char salt[crypto_pwhash_SALTBYTES];
  randombytes_buf(salt, sizeof salt);
  std::string header(kMagic, 4);
  header.push_back(static_cast<char>(kKindPassphrase));
  PutLe(header, limits.ops, 8);
  PutLe(header, limits.memory_bytes, 8);
  header.append(reinterpret_cast<char*>(salt), sizeof salt);
  SecretBytes key(crypto_secretstream_xchacha20poly1305_KEYBYTES);
  if (crypto_pwhash(key.data(), key.size(), passphrase.data(), passphrase.size(), salt, limits.ops,
                    limits.memory_bytes, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::Unavailable("not enough memory to derive the key from the passphrase");
  }
  KUZOT_RETURN_IF_ERROR(impl->Start(key.data(), header));
  return std::unique_ptr<StreamWriter>(new StreamWriter(std::move(impl)));
}

Status StreamWriter::Write(std::string_view data) {
  if (impl_->finished) return Status::Internal("write after Finish");
  while (!data.empty()) {
    size_t take = std::min(data.size(), kChunkBytes - impl_->buffer.size());
    impl_->buffer.append(data.substr(0, take));
    data.remove_prefix(take);
    if (impl_->buffer.size() == kChunkBytes) {
      KUZOT_RETURN_IF_ERROR(impl_->Push(Bytes(impl_->buffer), impl_->buffer.size(),
                                        crypto_secretstream_xchacha20poly1305_TAG_MESSAGE));
      sodium_memzero(impl_->buffer.data(), impl_->buffer.size());
      impl_->buffer.clear();
    }
  }
  return Status::Ok();
}

Status StreamWriter::Finish() {
  if (impl_->finished) return Status::Ok();
  KUZOT_RETURN_IF_ERROR(impl_->Push(Bytes(impl_->buffer), impl_->buffer.size(),
                                    crypto_secretstream_xchacha20poly1305_TAG_FINAL));
  sodium_memzero(impl_->buffer.data(), impl_->buffer.size());
  impl_->buffer.clear();
  impl_->finished = true;
  impl_->out->flush();
  if (!*impl_->out) return Status::Unavailable("cannot write the sealed stream");
  return Status::Ok();
}

// ---- reader ----

struct StreamReader::Impl {
  std::istream* in = nullptr;
  std::string associated;
  crypto_secretstream_xchacha20poly1305_state state;
  bool done = false;
  bool passphrase = false;

  ~Impl() { sodium_memzero(&state, sizeof state); }
};

StreamReader::StreamReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
StreamReader::~StreamReader() = default;

bool StreamReader::LooksSealed(std::istream& in) {
  std::streampos start = in.tellg();
  char head[4] = {};
  in.read(head, 4);
  std::streamsize got = in.gcount();
  in.clear();
  in.seekg(start);
  return got == 4 && std::memcmp(head, kMagic, 4) == 0;
}

bool StreamReader::passphrase_sealed() const { return impl_->passphrase; }
bool StreamReader::done() const { return impl_->done; }

Result<std::unique_ptr<StreamReader>> StreamReader::Begin(const Keyring* keyring, std::istream& in,
                                                          std::string_view associated,
                                                          std::string_view passphrase) {
  KUZOT_RETURN_IF_ERROR(Init());
  auto not_sealed = Status::InvalidArgument("this is not a Kuzot sealed file");
  unsigned char prefix[5];
  if (!ReadExactly(in, prefix, sizeof prefix) || std::memcmp(prefix, kMagic, 4) != 0) {
    return not_sealed;
  }
  auto impl = std::make_unique<Impl>();
  impl->in = &in;
  impl->associated = std::string(associated);
  SecretBytes key(crypto_secretstream_xchacha20poly1305_KEYBYTES);
  if (prefix[4] == kKindKeyring) {
    unsigned char rest[4 + kNonce + kWrapped];
    if (!ReadExactly(in, rest, sizeof rest))
      return Status::Internal("the sealed file is truncated");
    uint32_t gen = static_cast<uint32_t>(GetLe(rest, 4));
    if (!keyring) {
      return Status::InvalidArgument("this file was sealed with a keyring, not a passphrase");
    }
    const GenerationKeys* keys = keyring->impl_->Keys(gen);
    if (!keys) {
      return Status::Internal("the file was sealed with key generation " + std::to_string(gen) +
                              ", which this keyring does not have");
    }
    std::string header_prefix(reinterpret_cast<char*>(prefix), sizeof prefix);
    header_prefix.append(reinterpret_cast<char*>(rest), 4);
    std::string ad = FileKeyAssociated(header_prefix, associated);
    unsigned long long length = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(key.data(), &length, nullptr, rest + 4 + kNonce,
                                                   kWrapped, Bytes(ad), ad.size(), rest + 4,
                                                   keys->For(Purpose::kFileKeys)) != 0) {
      return Status::Internal(
          "the sealed file's key cannot be unwrapped: it was changed, belongs to another record, "
          "or to another keyring");
    }
  } else if (prefix[4] == kKindPassphrase) {
    impl->passphrase = true;
    unsigned char rest[8 + 8 + crypto_pwhash_SALTBYTES];
    if (!ReadExactly(in, rest, sizeof rest))
      return Status::Internal("the sealed file is truncated");
    uint64_t ops = GetLe(rest, 8);
    uint64_t memory = GetLe(rest + 8, 8);
    if (ops < crypto_pwhash_OPSLIMIT_MIN || ops > kMaxOps || memory < crypto_pwhash_MEMLIMIT_MIN ||
        memory > kMaxMemory) {
      return Status::InvalidArgument("the sealed file asks for unreasonable Argon2id costs");
    }
    if (passphrase.empty()) return Status::Unauthorized("this file needs its passphrase");
    if (crypto_pwhash(key.data(), key.size(), passphrase.data(), passphrase.size(), rest + 16, ops,
                      static_cast<size_t>(memory), crypto_pwhash_ALG_ARGON2ID13) != 0) {
      return Status::Unavailable("not enough memory to derive the key from the passphrase");
    }
  } else {
    return not_sealed;
  }
  unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
  if (!ReadExactly(in, header, sizeof header))
    return Status::Internal("the sealed file is truncated");
  if (crypto_secretstream_xchacha20poly1305_init_pull(&impl->state, header, key.data()) != 0) {
    return Status::Internal("the sealed file's header is damaged");
  }
  return std::unique_ptr<StreamReader>(new StreamReader(std::move(impl)));
}

Result<std::string> StreamReader::Read() {
  if (impl_->done) return std::string();
  unsigned char frame[4];
  if (!ReadExactly(*impl_->in, frame, 4)) {
    return Status::Internal("the sealed file is truncated: it ends before its last chunk");
  }
  uint64_t length = GetLe(frame, 4);
  if (length < crypto_secretstream_xchacha20poly1305_ABYTES || length > kMaxCipherChunk) {
    return Status::Internal("the sealed file is damaged: a chunk has an impossible length");
  }
  std::string cipher(length, '\0');
  if (!ReadExactly(*impl_->in, reinterpret_cast<unsigned char*>(cipher.data()), length)) {
    return Status::Internal("the sealed file is truncated in the middle of a chunk");
  }
  std::string plain(length - crypto_secretstream_xchacha20poly1305_ABYTES, '\0');
  unsigned long long plain_length = 0;
  unsigned char tag = 0;
  if (crypto_secretstream_xchacha20poly1305_pull(
          &impl_->state, reinterpret_cast<unsigned char*>(plain.data()), &plain_length, &tag,
          Bytes(cipher), length, Bytes(impl_->associated), impl_->associated.size()) != 0) {
    return Status::Internal(
        "the sealed file cannot be decrypted: wrong passphrase or key, or it was changed or "
        "reordered");
  }
  plain.resize(plain_length);
  if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
    impl_->done = true;
    if (impl_->in->peek() != std::char_traits<char>::eof()) {
      return Status::Internal("the sealed file has data after its last chunk");
    }
    impl_->in->clear();
  }
  return plain;
}

Status SealStream(const Keyring& keyring, std::istream& in, std::ostream& out,
                  std::string_view associated) {
  KUZOT_ASSIGN_OR_RETURN(auto writer, StreamWriter::Begin(keyring, out, associated));
  std::string buffer(StreamWriter::kChunkBytes, '\0');
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    std::streamsize got = in.gcount();
    if (got > 0) KUZOT_RETURN_IF_ERROR(writer->Write(std::string_view(buffer.data(), got)));
  }
  if (in.bad()) return Status::Unavailable("cannot read the stream to seal");
  sodium_memzero(buffer.data(), buffer.size());
  return writer->Finish();
}

Status OpenStream(const Keyring& keyring, std::istream& in, std::ostream& out,
                  std::string_view associated) {
  KUZOT_ASSIGN_OR_RETURN(auto reader, StreamReader::Begin(&keyring, in, associated));
  while (!reader->done()) {
    KUZOT_ASSIGN_OR_RETURN(std::string chunk, reader->Read());
    out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    if (!out) return Status::Unavailable("cannot write the opened stream");
  }
  return Status::Ok();
}

}  // namespace kuzot::crypto
