// The two-thread paths: a writer whose large pieces are encrypted on its
// worker while the caller hashes (any mix of piece sizes, rollback after
// queued pieces) and the read-ahead of downloads (odd read sizes, views,
// seeks while the worker runs, a corrupt chunk reported after the good bytes).
#include <gtest/gtest.h>
#include <sodium.h>

#include <fstream>

#include "evidence/read_ahead.h"
#include "test_store.h"

namespace kuzot::evidence {
namespace {

namespace fs = std::filesystem;

class PipelineTest : public StoreTest {
 protected:
  // Writes `content` in pieces of the sizes in `pieces`, cycling.
  std::string PutInPieces(const std::string& content, std::vector<size_t> pieces) {
    fs::path temp = store_->TempPath();
    auto w = store_->NewWriter(temp);
    EXPECT_TRUE(w.ok());
    size_t at = 0;
    for (size_t i = 0; at < content.size(); ++i) {
      size_t n = std::min(pieces[i % pieces.size()], content.size() - at);
      // The caller's buffer is reused at once, as the HTTP server does.
      std::string piece = content.substr(at, n);
      EXPECT_TRUE(w.value()->Append(piece).ok());
      piece.assign(piece.size(), 'X');
      at += n;
      EXPECT_EQ(w.value()->size(), at);
    }
    auto sha = w.value()->Finish();
    EXPECT_TRUE(sha.ok());
    EXPECT_EQ(sha.value(), Sha256::Hex(content));
    auto committed = store_->Commit(temp, sha.value());
    EXPECT_TRUE(committed.ok());
    return committed->name;
  }

  // A read-ahead over the blob `name` with two workers, as downloads have.
  std::unique_ptr<ReadAhead> OpenAhead(const std::string& name, uint64_t size) {
    auto r = store_->Open(name, size);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return std::make_unique<ReadAhead>(std::move(r).value(),
                                       [this, name, size] { return store_->Open(name, size); });
  }

  // Reads everything from the current position in reads of `n` bytes.
  static Result<std::string> ReadRest(ReadAhead& r, size_t n) {
    std::string out;
    std::string buffer(n, '\0');
    for (;;) {
      KUZOT_ASSIGN_OR_RETURN(size_t got, r.Read(buffer.data(), n));
      if (got == 0) return out;
      out.append(buffer.data(), got);
    }
  }
};

TEST_F(PipelineTest, LargeAndSmallPiecesInAnyOrderRoundTrip) {
  std::string content = RandomBytes(5 * (1 << 20) + 4321);
  for (auto pieces : std::vector<std::vector<size_t>>{
           {1 << 20}, {300007, 1, 65536, 1 << 20, 17}, {100, 2 << 20}, {(1 << 20) + 1}}) {
    std::string name = PutInPieces(content, pieces);
    auto two = OpenAhead(name, content.size());
    auto back = ReadRest(*two, 1 << 20);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back.value(), content) << pieces.size();
    auto r = store_->Open(name, content.size());  // one worker
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ReadAhead one(std::move(r).value());
    back = ReadRest(one, 77777);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back.value(), content) << pieces.size();
    ASSERT_TRUE(store_->Check(name, content.size(), Sha256::Hex(content)).ok());
    fs::remove(store_->PathOf(name));
  }
}

TEST_F(PipelineTest, RollBackAfterQueuedPiecesForgetsThem) {
  std::string good = RandomBytes(3 * (1 << 20) + 5);
  std::string bad = RandomBytes(2 * (1 << 20) + 7);
  fs::path temp = store_->TempPath();
  auto w = store_->NewWriter(temp);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE(w.value()->Append(good).ok());
  BlobWriter::Mark mark = w.value()->MarkHere();
  for (size_t at = 0; at < bad.size(); at += 1 << 20) {
    ASSERT_TRUE(w.value()->Append(std::string_view(bad).substr(at, 1 << 20)).ok());
  }
  ASSERT_TRUE(w.value()->RollBack(mark).ok());
  EXPECT_EQ(w.value()->size(), good.size());
  std::string rest = RandomBytes((1 << 20) + 3);
  ASSERT_TRUE(w.value()->Append(rest).ok());
  auto sha = w.value()->Finish();
  ASSERT_TRUE(sha.ok());
  EXPECT_EQ(sha.value(), Sha256::Hex(good + rest));
  auto committed = store_->Commit(temp, sha.value());
  ASSERT_TRUE(committed.ok());
  auto ahead = OpenAhead(committed->name, good.size() + rest.size());
  EXPECT_EQ(ReadRest(*ahead, 99991).value(), good + rest);
}

TEST_F(PipelineTest, SeeksWhileReadingAheadGiveTheRightBytes) {
  std::string content = RandomBytes(6 * (1 << 20) + 999);
  std::string name = Put(content);
  auto owned = OpenAhead(name, content.size());
  ReadAhead& ahead = *owned;
  std::string buffer(1 << 20, '\0');
  // Two megabytes in a row start the worker; then seek back and forth.
  for (uint64_t at : {uint64_t{0}, uint64_t{4 << 20}, uint64_t{12345}, uint64_t{(1 << 20) - 1},
                      uint64_t{content.size() - 70000}}) {
    ASSERT_TRUE(ahead.Seek(at).ok());
    std::string got;
    while (got.size() < (2u << 20)) {
      auto n = ahead.Read(buffer.data(), 333333);
      ASSERT_TRUE(n.ok()) << n.status().ToString();
      if (n.value() == 0) break;
      got.append(buffer.data(), n.value());
    }
    EXPECT_EQ(got, content.substr(at, got.size())) << at;
    EXPECT_GE(got.size(), std::min<uint64_t>(2u << 20, content.size() - at)) << at;
  }
}

// Downloads take views (Next) into the pieces decrypted ahead; mixed with
// Reads and seeks they give the same bytes.
TEST_F(PipelineTest, ViewsGiveTheSameBytesAsReads) {
  std::string content = RandomBytes(7 * (1 << 20) + 12345);
  std::string name = Put(content);
  auto owned = OpenAhead(name, content.size());
  ReadAhead& ahead = *owned;
  std::string got;
  std::string buffer(1 << 20, '\0');
  for (size_t i = 0;; ++i) {
    if (i == 20) {  // part-way: back to the start of the second megabyte
      ASSERT_TRUE(ahead.Seek(1 << 20).ok());
      got.resize(1 << 20);
    }
    if (i % 5 == 4) {
      auto n = ahead.Read(buffer.data(), 100001);
      ASSERT_TRUE(n.ok()) << n.status().ToString();
      got.append(buffer.data(), n.value());
      continue;
    }
    auto view = ahead.Next(i % 2 ? 1 << 20 : 250000);
    ASSERT_TRUE(view.ok()) << view.status().ToString();
    if (view->empty()) break;
    got.append(view.value());
  }
  EXPECT_EQ(got.size(), content.size());
  EXPECT_EQ(got, content);
  EXPECT_TRUE(ahead.Next(1 << 20).value().empty());
}

// Past ReadAhead::kMaxReading downloads at once, the next one reads on the
// caller's thread, and gives the same bytes; a place given back is taken
// again.
TEST_F(PipelineTest, AtMostKMaxReadingDownloadsReadAhead) {
  std::string content = RandomBytes(3 * (1 << 20) + 77);
  std::string name = Put(content);
  std::vector<std::unique_ptr<ReadAhead>> readers;
  std::string buffer(1 << 20, '\0');
  for (int i = 0; i <= ReadAhead::kMaxReading; ++i) {
    readers.push_back(OpenAhead(name, content.size()));
    for (int k = 0; k < 2; ++k) ASSERT_TRUE(readers.back()->Read(buffer.data(), 1 << 20).ok());
    EXPECT_EQ(readers.back()->reading_ahead(), i < ReadAhead::kMaxReading) << i;
  }
  EXPECT_EQ(ReadRest(*readers.back(), 1 << 20).value(), content.substr(2 << 20));
  readers.front().reset();  // its place is free again
  readers.push_back(OpenAhead(name, content.size()));
  for (int k = 0; k < 2; ++k) ASSERT_TRUE(readers.back()->Read(buffer.data(), 1 << 20).ok());
  EXPECT_TRUE(readers.back()->reading_ahead());
  EXPECT_EQ(ReadRest(*readers.back(), 1 << 20).value(), content.substr(2 << 20));
}

// Through Read and through Next alike.
TEST_F(PipelineTest, ACorruptChunkAheadIsReportedAfterTheGoodBytes) {
  std::string content = RandomBytes(5 * (1 << 20));
  std::string name = Put(content);
  uint64_t flip_at = 3 * (1 << 20) + 5000;  // in the fourth segment's ciphertext
  {
    std::fstream f(store_->PathOf(name), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(flip_at));
    char c;
    f.read(&c, 1);
    f.seekp(static_cast<std::streamoff>(flip_at));
    c ^= 1;
    f.write(&c, 1);
  }
  for (bool views : {false, true}) {
    auto owned = OpenAhead(name, content.size());
    ReadAhead& ahead = *owned;
    std::string buffer(1 << 20, '\0');
    auto next = [&]() -> Result<std::string_view> {
      if (views) return ahead.Next(buffer.size());
      KUZOT_ASSIGN_OR_RETURN(size_t n, ahead.Read(buffer.data(), buffer.size()));
      return std::string_view(buffer.data(), n);
    };
    std::string got;
    Status error;
    for (;;) {
      auto piece = next();
      if (!piece.ok()) {
        error = piece.status();
        break;
      }
      ASSERT_FALSE(piece->empty()) << "the end was reached over a corrupt chunk";
      got.append(piece.value());
    }
    EXPECT_EQ(error.code(), StatusCode::kCorrupt) << error.ToString();
    EXPECT_LT(got.size(), flip_at);  // nothing from the altered chunk on
    EXPECT_EQ(got, content.substr(0, got.size()));
    EXPECT_EQ(next().status().code(), StatusCode::kCorrupt);
  }
}

}  // namespace
}  // namespace kuzot::evidence

namespace kuzot::evidence {
namespace {

// Whole chunks are decrypted straight into the caller's buffer; a seek
// back into such a chunk must not take the reader's own (older) copy.
TEST_F(PipelineTest, SeekIntoAChunkDecryptedIntoTheCallersBuffer) {
  std::string content = RandomBytes(5 * kChunkBytes + 321);
  std::string name = Put(content);
  auto r = store_->Open(name, content.size());
  ASSERT_TRUE(r.ok());
  BlobReader& reader = *r.value();
  std::string buffer(3 * kChunkBytes, '\0');  // ends on a chunk decrypted into it
  auto n = reader.Read(buffer.data(), buffer.size());
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(buffer.substr(0, n.value()), content.substr(0, n.value()));
  for (uint64_t at : {2 * kChunkBytes + 100, 2 * kChunkBytes + 100, kChunkBytes - 1,
                      4 * kChunkBytes + 300, 5 * kChunkBytes}) {
    ASSERT_TRUE(reader.Seek(at).ok());
    std::string got(kChunkBytes + 50, '\0');
    auto m = reader.Read(got.data(), got.size());
    ASSERT_TRUE(m.ok());
    got.resize(m.value());
    EXPECT_EQ(got, content.substr(at, got.size())) << at;
    EXPECT_EQ(got.size(), std::min<uint64_t>(kChunkBytes + 50, content.size() - at)) << at;
  }
}

}  // namespace
}  // namespace kuzot::evidence
