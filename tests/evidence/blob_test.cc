// The encrypted blob format and the content-addressed store: round trips at
// every awkward size, seeking, rollback, resume, dedupe and tamper detection.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sodium.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "test_store.h"

namespace kuzot::evidence {
namespace {

namespace fs = std::filesystem;

class BlobTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    dir_ = fs::temp_directory_path() /
           ("kuzot-blob-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::remove_all(dir_.string() + "-keys");
    keyring_ = TestKeyring(dir_.string() + "-keys");
    store_ = std::make_unique<BlobStore>(dir_ / "store", *keyring_);
    ASSERT_TRUE(store_->Init().ok());
  }
  void TearDown() override {
    fs::remove_all(dir_);
    fs::remove_all(dir_.string() + "-keys");
  }

  // Writes `content` in pieces of `piece` bytes and commits it.
  CommittedBlob Store(const std::string& content, size_t piece = 10007) {
    fs::path temp = store_->TempPath();
    auto w = store_->NewWriter(temp);
    EXPECT_TRUE(w.ok());
    for (size_t at = 0; at < content.size(); at += piece) {
      EXPECT_TRUE(w.value()->Append(std::string_view(content).substr(at, piece)).ok());
    }
    auto sha = w.value()->Finish();
    EXPECT_TRUE(sha.ok());
    EXPECT_EQ(sha.value(), Sha256::Hex(content));
    auto committed = store_->Commit(temp, sha.value());
    EXPECT_TRUE(committed.ok());
    return committed.value();
  }

  std::string ReadAll(const std::string& name, uint64_t size) {
    auto r = store_->Open(name, size);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return "";
    std::string out(size, '\0');
    size_t done = 0;
    for (;;) {
      auto n = r.value()->Read(out.data() + done, std::min<size_t>(out.size() - done, 70001));
      EXPECT_TRUE(n.ok()) << n.status().ToString();
      if (!n.ok() || n.value() == 0) break;
      done += n.value();
    }
    out.resize(done);
    return out;
  }

  fs::path dir_;
  std::unique_ptr<crypto::Keyring> keyring_;
  std::unique_ptr<BlobStore> store_;
};

TEST_F(BlobTest, RoundTripAtChunkAndSegmentBoundaries) {
  for (uint64_t size :
       {0ul, 1ul, kChunkBytes - 1, kChunkBytes, kChunkBytes + 1, kChunkBytes * kChunksPerSegment,
        kChunkBytes * kChunksPerSegment + 5, 3 * kChunkBytes * kChunksPerSegment + 12345}) {
    std::string content = RandomBytes(size);
    CommittedBlob blob = Store(content);
    EXPECT_EQ(fs::file_size(store_->PathOf(blob.name)), CipherSize(size)) << size;
    EXPECT_EQ(ReadAll(blob.name, size), content) << size;
    EXPECT_TRUE(store_->Check(blob.name, size, Sha256::Hex(content)).ok()) << size;
  }
}

TEST_F(BlobTest, NothingOfThePlaintextIsOnDisk) {
  std::string content(300000, 'A');
  content.replace(1000, 24, "Abdykadyrova witness-07");
  CommittedBlob blob = Store(content);
  std::string disk = ReadWholeFile(store_->PathOf(blob.name)).value();
  EXPECT_EQ(disk.find("witness-07"), std::string::npos);
  EXPECT_EQ(disk.find(std::string(64, 'A')), std::string::npos);
  EXPECT_EQ(blob.name.find(Sha256::Hex(content)), std::string::npos) << "names reveal the hash";
}

TEST_F(BlobTest, SeekReadsAnyRange) {
  std::string content = RandomBytes(2 * kChunkBytes * kChunksPerSegment + 777);
  CommittedBlob blob = Store(content);
  auto r = store_->Open(blob.name, content.size());
  ASSERT_TRUE(r.ok());
  for (uint64_t at :
       {uint64_t{0}, uint64_t{5}, kChunkBytes - 3, kChunkBytes * kChunksPerSegment + 9,
        uint64_t{content.size() - 10}, uint64_t{123456}, uint64_t{7}}) {
    ASSERT_TRUE(r.value()->Seek(at).ok());
    std::string got(20, '\0');
    auto n = r.value()->Read(got.data(), got.size());
    ASSERT_TRUE(n.ok());
    got.resize(n.value());
    EXPECT_EQ(got, content.substr(at, 20)) << at;
  }
  EXPECT_FALSE(r.value()->Seek(content.size() + 1).ok());
}

TEST_F(BlobTest, IdenticalContentIsStoredOnce) {
  std::string content = RandomBytes(100000);
  CommittedBlob first = Store(content, 4096);
  CommittedBlob second = Store(content, 65536);
  EXPECT_FALSE(first.deduplicated);
  EXPECT_TRUE(second.deduplicated);
  EXPECT_EQ(first.name, second.name);
  size_t files = 0;
  for (auto& e : fs::recursive_directory_iterator(dir_ / "store" / "blobs")) {
    files += e.is_regular_file();
  }
  EXPECT_EQ(files, 1u);
  EXPECT_TRUE(fs::is_empty(dir_ / "store" / "tmp"));
}

TEST_F(BlobTest, AlteredTruncatedMissingOrSwappedFilesAreCorrupt) {
  std::string content = RandomBytes(3 * kChunkBytes + 10);
  CommittedBlob blob = Store(content);
  std::string sha = Sha256::Hex(content);
  fs::path path = store_->PathOf(blob.name);
  fs::path backup = dir_ / "backup";
  fs::copy_file(path, backup);
  {  // one flipped bit in the middle
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(100000);
    char c;
    f.read(&c, 1);
    f.seekp(100000);
    c ^= 1;
    f.write(&c, 1);
  }
  Status s = store_->Check(blob.name, content.size(), sha);
  EXPECT_EQ(s.code(), StatusCode::kCorrupt) << s.ToString();
  fs::copy_file(backup, path, fs::copy_options::overwrite_existing);
  EXPECT_TRUE(store_->Check(blob.name, content.size(), sha).ok());
  fs::resize_file(path, fs::file_size(path) - 17);  // the FINAL chunk cut off
  EXPECT_EQ(store_->Check(blob.name, content.size(), sha).code(), StatusCode::kCorrupt);
  // Another valid blob put in its place is not taken for it.
  std::string other = RandomBytes(content.size());
  CommittedBlob other_blob = Store(other);
  fs::copy_file(store_->PathOf(other_blob.name), path, fs::copy_options::overwrite_existing);
  EXPECT_EQ(store_->Check(blob.name, content.size(), sha).code(), StatusCode::kCorrupt);
  fs::remove(path);
  s = store_->Check(blob.name, content.size(), sha);
  EXPECT_EQ(s.code(), StatusCode::kCorrupt);
  EXPECT_NE(s.message().find("missing"), std::string::npos);
}

TEST_F(BlobTest, WrongKeyCannotRead) {
  std::string content = RandomBytes(1000);
  CommittedBlob blob = Store(content);
  auto other = TestKeyring(dir_.string() + "-keys/other");
  BlobStore wrong(dir_ / "store", *other);
  ASSERT_TRUE(wrong.Init().ok());
  auto r = wrong.Open(blob.name, content.size());
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
}

TEST_F(BlobTest, RollBackForgetsABadPieceAndResumeContinues) {
  std::string good = RandomBytes(kChunkBytes * kChunksPerSegment + 3 * kChunkBytes + 99);
  std::string bad = RandomBytes(2 * kChunkBytes + 5);
  std::string rest = RandomBytes(kChunkBytes * 2 + 1);
  fs::path temp = store_->TempPath();
  auto w = store_->NewWriter(temp);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE(w.value()->Append(good).ok());
  BlobWriter::Mark mark = w.value()->MarkHere();
  ASSERT_TRUE(w.value()->Append(bad).ok());
  ASSERT_TRUE(w.value()->RollBack(mark).ok());
  EXPECT_EQ(w.value()->size(), good.size());
  ASSERT_TRUE(w.value()->Sync().ok());
  // The process goes away; the tail is what the caller saved.
  std::string tail = w.value()->tail();
  uint64_t offset = w.value()->size();
  w.value().reset();
  auto resumed = store_->ResumeWriter(temp, offset, tail);
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  ASSERT_TRUE(resumed.value()->Append(rest).ok());
  auto sha = resumed.value()->Finish();
  ASSERT_TRUE(sha.ok());
  EXPECT_EQ(sha.value(), Sha256::Hex(good + rest));
  auto committed = store_->Commit(temp, sha.value());
  ASSERT_TRUE(committed.ok());
  EXPECT_EQ(ReadAll(committed->name, good.size() + rest.size()), good + rest);
}

TEST_F(BlobTest, SealedFilesAreBoundToTheirLabel) {
  fs::path p = dir_ / "store" / "sealed" / "x";
  ASSERT_TRUE(store_->WriteSealed(p, "thumb:1", "secret picture").ok());
  auto back = store_->ReadSealed(p, "thumb:1");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back.value(), "secret picture");
  EXPECT_EQ(store_->ReadSealed(p, "thumb:2").status().code(), StatusCode::kCorrupt);
}

// --- data-key rotation

std::string FileBytes(const fs::path& p) { return ReadWholeFile(p).value(); }

// A key lookup that answers the old generation's content key whatever the
// file asks for: what someone holding only the old data key can try.
KeyLookup OnlyKeyOf(const crypto::Keyring& keyring, uint32_t generation) {
  auto keys = KeysOf(keyring, generation);
  EXPECT_TRUE(keys.ok());
  DataKey content = keys->content;
  return [content](uint32_t) -> Result<DataKey> { return content; };
}

TEST_F(BlobTest, RotationReencryptsStoredFilesAndTheOldKeyOpensNothing) {
  std::string content = RandomBytes(kChunkBytes * kChunksPerSegment * 2 + 12345);
  CommittedBlob blob = Store(content);
  fs::path path = store_->PathOf(blob.name);
  std::string before = FileBytes(path);
  fs::path sealed = dir_ / "store" / "sealed" / "thumb-x";
  ASSERT_TRUE(store_->WriteSealed(sealed, "thumb:x", "a preview").ok());
  // An upload in progress: 3 complete chunks on disk and a tail in its state.
  std::string partial = RandomBytes(3 * kChunkBytes + 777);
  fs::path upload = dir_ / "store" / "uploads" / "u.blob";
  {
    auto w = store_->NewWriter(upload);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE(w.value()->Append(partial).ok());
    ASSERT_TRUE(w.value()->Sync().ok());
  }

  auto generation = keyring_->AddGeneration();
  ASSERT_TRUE(generation.ok());
  BlobStore rotated(dir_ / "store", *keyring_);
  ASSERT_TRUE(rotated.Init().ok());
  EXPECT_EQ(rotated.generation(), generation.value());
  auto done = rotated.Reencrypt(blob.name, content.size(), Sha256::Hex(content));
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_TRUE(done.value());
  auto resealed = rotated.Reseal(sealed, "thumb:x");
  ASSERT_TRUE(resealed.ok()) << resealed.status().ToString();
  EXPECT_TRUE(resealed.value());
  auto moved = rotated.ReencryptUnfinished(upload, 3);
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_TRUE(moved.value());

  // Everything names the new generation, and a second run changes nothing.
  EXPECT_EQ(BlobGeneration(path).value(), generation.value());
  EXPECT_EQ(BlobGeneration(upload).value(), generation.value());
  EXPECT_EQ(crypto::Keyring::SealedGeneration(FileBytes(sealed)), generation.value());
  EXPECT_FALSE(rotated.Reencrypt(blob.name, content.size(), Sha256::Hex(content)).value());
  EXPECT_FALSE(rotated.Reseal(sealed, "thumb:x").value());
  EXPECT_FALSE(rotated.ReencryptUnfinished(upload, 3).value());
  EXPECT_TRUE(fs::is_empty(dir_ / "store" / "tmp"));

  // The content is the same, the bytes on disk entirely new.
  EXPECT_NE(FileBytes(path), before);
  EXPECT_EQ(FileBytes(path).size(), before.size());
  EXPECT_TRUE(rotated.Check(blob.name, content.size(), Sha256::Hex(content)).ok());
  EXPECT_EQ(rotated.ReadSealed(sealed, "thumb:x").value(), "a preview");
  // The old data key opens nothing that is stored now.
  auto old_reader = BlobReader::Open(path, OnlyKeyOf(*keyring_, 1), content.size());
  ASSERT_FALSE(old_reader.ok());
  EXPECT_EQ(old_reader.status().code(), StatusCode::kCorrupt);
  auto old_resume = BlobWriter::Resume(upload, OnlyKeyOf(*keyring_, 1), partial.size(),
                                       partial.substr(3 * kChunkBytes));
  EXPECT_FALSE(old_resume.ok());

  // The upload resumes under the new key and ends with the right hash.
  auto resumed = rotated.ResumeWriter(upload, partial.size(), partial.substr(3 * kChunkBytes));
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  std::string rest = RandomBytes(kChunkBytes + 3);
  ASSERT_TRUE(resumed.value()->Append(rest).ok());
  auto sha = resumed.value()->Finish();
  ASSERT_TRUE(sha.ok());
  EXPECT_EQ(sha.value(), Sha256::Hex(partial + rest));
}

TEST_F(BlobTest, RotationLeavesADamagedFileAsItWas) {
  std::string content = RandomBytes(kChunkBytes * 5);
  CommittedBlob blob = Store(content);
  fs::path path = store_->PathOf(blob.name);
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(kBlobHeaderBytes + 24 + 3 * kChunkBytes));
    f.put('\x5a');
  }
  std::string damaged = FileBytes(path);
  ASSERT_TRUE(keyring_->AddGeneration().ok());
  BlobStore rotated(dir_ / "store", *keyring_);
  ASSERT_TRUE(rotated.Init().ok());
  auto done = rotated.Reencrypt(blob.name, content.size(), Sha256::Hex(content));
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(FileBytes(path), damaged);
  EXPECT_EQ(BlobGeneration(path).value(), 1u);
  EXPECT_TRUE(fs::is_empty(dir_ / "store" / "tmp"));
}

}  // namespace
}  // namespace kuzot::evidence
