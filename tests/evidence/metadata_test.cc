// Type detection, capture metadata (exiv2, libavformat), contradiction flags
// and previews, on fixtures made at test time: a tiny JPEG (ffmpeg) given
// EXIF with exiv2, a WAV written by hand, a short MP4 (ffmpeg) with a
// creation time and a location.
#include "evidence/metadata.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <exiv2/exiv2.hpp>
#include <fstream>

#include "evidence/thumbnail.h"
#include "test_store.h"

namespace kuzot::evidence {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

bool Ffmpeg(const std::string& args) {
  return std::system(("ffmpeg -hide_banner -loglevel error -y " + args).c_str()) == 0;
}

// A 64x48 JPEG taken "on 29 April 2021 near Kök-Tash" by a fictional camera.
std::string JpegWithExif(const fs::path& dir) {
  fs::path path = dir / "photo.jpg";
  EXPECT_TRUE(Ffmpeg("-f lavfi -i color=c=red:s=64x48 -frames:v 1 " + path.string()));
  auto image = Exiv2::ImageFactory::open(path.string());
  image->readMetadata();
  Exiv2::ExifData& exif = image->exifData();
  exif["Exif.Image.Make"] = "FictionalCam";
  exif["Exif.Image.Model"] = "FC-1";
  exif["Exif.Photo.DateTimeOriginal"] = "2021:04:29 14:03:07";
  exif["Exif.GPSInfo.GPSLatitudeRef"] = "N";
  exif["Exif.GPSInfo.GPSLatitude"] = Exiv2::URationalValue();
  Exiv2::URationalValue lat, lon;
  lat.read("39/1 57/1 0/1");  // 39.95
  lon.read("70/1 48/1 0/1");  // 70.8
  exif["Exif.GPSInfo.GPSLatitude"] = lat;
  exif["Exif.GPSInfo.GPSLongitudeRef"] = "E";
  exif["Exif.GPSInfo.GPSLongitude"] = lon;
  image->setExifData(exif);
  image->writeMetadata();
  return ReadFile(path);
}

// One second of silence, 8 kHz mono 16-bit PCM.
std::string Wav() {
  auto u32 = [](uint32_t v) {
    std::string s(4, '\0');
    for (int i = 0; i < 4; ++i) s[i] = static_cast<char>(v >> (8 * i));
    return s;
  };
  auto u16 = [](uint16_t v) {
    return std::string{static_cast<char>(v), static_cast<char>(v >> 8)};
  };
  std::string data(16000, '\0');
  return "RIFF" + u32(36 + data.size()) + "WAVE" + "fmt " + u32(16) + u16(1) + u16(1) + u32(8000) +
         u32(16000) + u16(2) + u16(16) + "data" + u32(data.size()) + data;
}

class MetadataTest : public StoreTest {
 protected:
  Result<CaptureMetadata> Extract(const std::string& content) {
    std::string name = Put(content);
    auto reader = store_->Open(name, content.size());
    EXPECT_TRUE(reader.ok());
    return ExtractMetadata(*reader.value());
  }
};

TEST_F(MetadataTest, JpegExifDateGpsAndCamera) {
  std::string jpeg = JpegWithExif(dir_);
  auto m = Extract(jpeg);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->media_type, "image/jpeg");
  ASSERT_TRUE(m->taken_at.has_value());
  EXPECT_EQ(*m->taken_at, "2021-04-29T14:03:07");
  ASSERT_TRUE(m->latitude && m->longitude);
  EXPECT_NEAR(*m->latitude, 39.95, 1e-6);
  EXPECT_NEAR(*m->longitude, 70.8, 1e-6);
  EXPECT_EQ(m->camera_make, "FictionalCam");
  EXPECT_EQ(m->camera_model, "FC-1");
  EXPECT_EQ(m->width, 64);
  EXPECT_EQ(m->height, 48);
  Json j = m->ToJson();
  EXPECT_EQ(j["taken_at"], "2021-04-29T14:03:07");
}

TEST_F(MetadataTest, TypeComesFromTheContentNotTheName) {
  EXPECT_EQ(DetectType(JpegWithExif(dir_)).first, "image/jpeg");
  EXPECT_EQ(DetectType("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n").first,
            "application/pdf");
  EXPECT_EQ(DetectType("plain words of a field note\n").first, "text/plain");
}

TEST_F(MetadataTest, WavDuration) {
  auto m = Extract(Wav());
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_NE(m->media_type.find("wav"), std::string::npos) << m->media_type;
  ASSERT_TRUE(m->duration_seconds.has_value());
  EXPECT_NEAR(*m->duration_seconds, 1.0, 0.01);
}

TEST_F(MetadataTest, Mp4DurationCreationTimeAndLocation) {
  fs::path path = dir_ / "clip.mp4";
  ASSERT_TRUE(
      Ffmpeg("-f lavfi -i testsrc=d=2:s=160x120:r=10 -c:v mpeg4 "
             "-metadata creation_time=2021-05-01T10:00:00Z "
             "-metadata location=+39.9500+070.8000/ " +
             path.string()));
  auto m = Extract(ReadFile(path));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->media_type, "video/mp4");
  ASSERT_TRUE(m->duration_seconds.has_value());
  EXPECT_NEAR(*m->duration_seconds, 2.0, 0.2);
  ASSERT_TRUE(m->creation_time.has_value());
  EXPECT_EQ(m->creation_time->substr(0, 10), "2021-05-01");
  ASSERT_TRUE(m->latitude.has_value());
  EXPECT_NEAR(*m->latitude, 39.95, 1e-3);
  EXPECT_EQ(m->width, 160);
  // And a preview of its first frame.
  std::string content = ReadFile(path);
  auto reader = store_->Open(store_->NameFor(Sha256::Hex(content)), content.size());
  ASSERT_TRUE(reader.ok());
  auto png = MakeThumbnail(*reader.value(), 80);
  ASSERT_TRUE(png.ok()) << png.status().ToString();
  EXPECT_EQ(png->substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
}

TEST_F(MetadataTest, ImagePreviewIsASmallPng) {
  fs::path path = dir_ / "big.png";
  ASSERT_TRUE(Ffmpeg("-f lavfi -i testsrc=s=1280x960 -frames:v 1 " + path.string()));
  std::string content = ReadFile(path);
  auto reader = store_->Open(Put(content), content.size());
  ASSERT_TRUE(reader.ok());
  auto png = MakeThumbnail(*reader.value(), 320);
  ASSERT_TRUE(png.ok()) << png.status().ToString();
  ASSERT_GT(png->size(), 24u);
  auto be32 = [&](size_t at) {
    const auto* p = reinterpret_cast<const unsigned char*>(png->data() + at);
    return (p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
  };
  EXPECT_EQ(be32(16), 320);  // IHDR width
  EXPECT_EQ(be32(20), 240);  // IHDR height
  auto text = store_->Open(Put("not a picture"), 13);
  EXPECT_FALSE(MakeThumbnail(*text.value()).ok());
}

TEST(FlagsTest, ContradictionsWithWhatWasEntered) {
  CaptureMetadata m;
  m.taken_at = "2021-04-29T14:03:07";
  m.latitude = 39.95;
  m.longitude = 70.8;
  EnteredFacts same;
  same.captured_on = "2021-04-30";  // a day off: the camera clock has no zone
  same.latitude = 39.96;
  same.longitude = 70.81;
  same.place_label = "the entered coordinates";
  EXPECT_TRUE(CheckAgainstEntered(m, same).empty());
  EnteredFacts month;
  month.captured_on = "2021-04";
  EXPECT_TRUE(CheckAgainstEntered(m, month).empty());

  EnteredFacts wrong;
  wrong.captured_on = "2020-10-05";
  wrong.latitude = 42.87;  // Bishkek, about 400 km away
  wrong.longitude = 74.59;
  wrong.place_label = "place Bishkek (city)";
  Json flags = CheckAgainstEntered(m, wrong);
  ASSERT_EQ(flags.size(), 2u) << flags.dump();
  EXPECT_EQ(flags[0]["field"], "captured_on");
  EXPECT_EQ(flags[0]["found"], "2021-04-29T14:03:07");
  EXPECT_EQ(flags[1]["field"], "place");
  EXPECT_NE(flags[1]["note"].get<std::string>().find("km from place Bishkek"), std::string::npos);
  EXPECT_NEAR(DistanceKm(39.95, 70.8, 42.87, 74.59), 460, 40);
}

}  // namespace
}  // namespace kuzot::evidence
