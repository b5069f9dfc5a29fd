#include "evidence/metadata.h"

#include <magic.h>

#include <chrono>
#include <cmath>
#include <exiv2/exiv2.hpp>

#include "common/fuzzy_date.h"
#include "evidence/av_input.h"

namespace kuzot::evidence {
namespace {

constexpr size_t kMagicBytes = 1 << 20;   // libmagic looks at the first MiB
constexpr size_t kExifBytes = 32u << 20;  // exiv2 gets at most the first 32 MiB

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
  size_t b = s.find_first_not_of(' ');
  return b == std::string::npos ? "" : s.substr(b);
}

// "2021:04:29 14:03:07" -> "2021-04-29T14:03:07"; nullopt when not a date.
std::optional<std::string> ExifDateToIso(std::string v) {
  v = Trim(v);
  if (v.size() < 19 || v[4] != ':' || v[7] != ':' || v[10] != ' ') return std::nullopt;
  std::string iso =
      v.substr(0, 4) + "-" + v.substr(5, 2) + "-" + v.substr(8, 2) + "T" + v.substr(11, 8);
  if (!FuzzyDate::Parse(iso.substr(0, 10)).ok()) return std::nullopt;
  return iso;
}

std::optional<double> GpsCoordinate(const Exiv2::ExifData& exif, const char* key,
                                    const char* ref_key, char negative) {
  auto it = exif.findKey(Exiv2::ExifKey(key));
  if (it == exif.end() || it->count() < 3) return std::nullopt;
  double value = 0;
  double scale = 1;
  for (long i = 0; i < 3; ++i) {
    Exiv2::Rational r = it->toRational(i);
    if (r.second == 0) return std::nullopt;
    value += static_cast<double>(r.first) / r.second / scale;
    scale *= 60;
  }
  auto ref = exif.findKey(Exiv2::ExifKey(ref_key));
  if (ref != exif.end() && !ref->toString().empty() && ref->toString()[0] == negative)
    value = -value;
  return value;
}

void ReadExif(BlobReader& reader, CaptureMetadata& m) {
  std::string data(std::min<uint64_t>(reader.size(), kExifBytes), '\0');
  if (!reader.Seek(0).ok()) return;
  auto n = reader.Read(data.data(), data.size());
  if (!n.ok()) return;
  data.resize(n.value());
  try {
    Exiv2::LogMsg::setLevel(Exiv2::LogMsg::mute);
    auto image = Exiv2::ImageFactory::open(reinterpret_cast<const Exiv2::byte*>(data.data()),
                                           static_cast<long>(data.size()));
    if (!image.get()) return;
    image->readMetadata();
    if (image->pixelWidth() > 0) m.width = image->pixelWidth();
    if (image->pixelHeight() > 0) m.height = image->pixelHeight();
    const Exiv2::ExifData& exif = image->exifData();
    if (exif.empty()) return;
    for (const char* key :
         {"Exif.Photo.DateTimeOriginal", "Exif.Photo.DateTimeDigitized", "Exif.Image.DateTime"}) {
      auto it = exif.findKey(Exiv2::ExifKey(key));
      if (it == exif.end()) continue;
      m.taken_at = ExifDateToIso(it->toString());
      if (m.taken_at) break;
    }
    m.latitude =
        GpsCoordinate(exif, "Exif.GPSInfo.GPSLatitude", "Exif.GPSInfo.GPSLatitudeRef", 'S');
    m.longitude =
        GpsCoordinate(exif, "Exif.GPSInfo.GPSLongitude", "Exif.GPSInfo.GPSLongitudeRef", 'W');
    if (!m.latitude || !m.longitude || std::abs(*m.latitude) > 90 || std::abs(*m.longitude) > 180) {
      m.latitude.reset();
      m.longitude.reset();
    }
    auto alt = exif.findKey(Exiv2::ExifKey("Exif.GPSInfo.GPSAltitude"));
    if (alt != exif.end() && m.latitude) {
      Exiv2::Rational r = alt->toRational(0);
      if (r.second != 0) m.altitude = static_cast<double>(r.first) / r.second;
    }
    auto make = exif.findKey(Exiv2::ExifKey("Exif.Image.Make"));
    if (make != exif.end()) m.camera_make = Trim(make->toString());
    auto model = exif.findKey(Exiv2::ExifKey("Exif.Image.Model"));
    if (model != exif.end()) m.camera_model = Trim(model->toString());
  } catch (const std::exception& e) {
    m.warnings.push_back(std::string("EXIF unreadable: ") + e.what());
  }
}

// ISO 6709 "+40.0583+070.8194+1020.000/" (QuickTime/MP4 location tag).
void ParseIso6709(const std::string& v, CaptureMetadata& m) {
  char* end = nullptr;
  double lat = std::strtod(v.c_str(), &end);
  if (end == v.c_str() || (*end != '+' && *end != '-')) return;
  const char* rest = end;
  double lon = std::strtod(rest, &end);
  if (end == rest || std::abs(lat) > 90 || std::abs(lon) > 180) return;
  m.latitude = lat;
  m.longitude = lon;
  if (*end == '+' || *end == '-') {
    const char* alt_start = end;
    double alt = std::strtod(alt_start, &end);
    if (end != alt_start) m.altitude = alt;
  }
}

Status ReadAudioVideo(BlobReader& reader, CaptureMetadata& m) {
  auto input = AvInput::Open(reader);
  if (!input.ok()) {
    if (input.status().code() == StatusCode::kCorrupt) return input.status();
    m.warnings.push_back(input.status().message());
    return Status::Ok();
  }
  AVFormatContext* f = input.value()->format();
  if (f->duration != AV_NOPTS_VALUE && f->duration > 0) {
    m.duration_seconds = std::round(static_cast<double>(f->duration) / AV_TIME_BASE * 1000) / 1000;
  }
  auto tag = [&](const char* key) -> std::string {
    AVDictionaryEntry* e = av_dict_get(f->metadata, key, nullptr, 0);
    if (!e) {
      for (unsigned i = 0; i < f->nb_streams && !e; ++i) {
        e = av_dict_get(f->streams[i]->metadata, key, nullptr, 0);
      }
    }
    return e ? e->value : "";
  };
  std::string created = tag("creation_time");
  if (created.empty()) created = tag("date");
  if (!created.empty()) m.creation_time = created;
  std::string location = tag("location");
  if (location.empty()) location = tag("com.apple.quicktime.location.ISO6709");
  if (!location.empty()) ParseIso6709(location, m);
  if (m.camera_make.empty()) m.camera_make = tag("com.apple.quicktime.make");
  if (m.camera_model.empty()) m.camera_model = tag("com.apple.quicktime.model");
  for (unsigned i = 0; i < f->nb_streams; ++i) {
    AVCodecParameters* p = f->streams[i]->codecpar;
    if (p->codec_type == AVMEDIA_TYPE_VIDEO && p->width > 0 && !m.width) {
      m.width = p->width;
      m.height = p->height;
    }
  }
  return input.value()->read_error();
}

int64_t DaysOf(const std::string& ymd) {
  using namespace std::chrono;
  int y = std::stoi(ymd.substr(0, 4)), mo = std::stoi(ymd.substr(5, 2)),
      d = std::stoi(ymd.substr(8, 2));
  return sys_days(year(y) / month(static_cast<unsigned>(mo)) / day(static_cast<unsigned>(d)))
      .time_since_epoch()
      .count();
}

std::string Round(double v, int digits) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, v);
  return buffer;
}

}  // namespace

std::pair<std::string, std::string> DetectType(std::string_view head) {
  std::pair<std::string, std::string> out{"application/octet-stream", "data"};
  magic_t cookie = magic_open(MAGIC_MIME_TYPE);
  if (!cookie) return out;
  if (magic_load(cookie, nullptr) == 0) {
    const char* mime = magic_buffer(cookie, head.data(), head.size());
    if (mime) out.first = mime;
    magic_setflags(cookie, MAGIC_NONE);
    const char* text = magic_buffer(cookie, head.data(), head.size());
    if (text) out.second = text;
  }
  magic_close(cookie);
  return out;
}

Result<CaptureMetadata> ExtractMetadata(BlobReader& reader) {
  CaptureMetadata m;
  {
    std::string head(std::min<uint64_t>(reader.size(), kMagicBytes), '\0');
    KUZOT_RETURN_IF_ERROR(reader.Seek(0));
    KUZOT_ASSIGN_OR_RETURN(size_t n, reader.Read(head.data(), head.size()));
    head.resize(n);
    std::tie(m.media_type, m.kind) = DetectType(head);
  }
  const std::string& type = m.media_type;
  if (type.rfind("image/", 0) == 0) {
    ReadExif(reader, m);
  } else if (type.rfind("audio/", 0) == 0 || type.rfind("video/", 0) == 0 ||
             type == "application/ogg") {
    KUZOT_RETURN_IF_ERROR(ReadAudioVideo(reader, m));
  }
  return m;
}

Json CaptureMetadata::ToJson() const {
  Json j = Json::object();
  if (taken_at) j["taken_at"] = *taken_at;
  if (creation_time) j["creation_time"] = *creation_time;
  if (latitude) j["latitude"] = *latitude;
  if (longitude) j["longitude"] = *longitude;
  if (altitude) j["altitude"] = *altitude;
  if (!camera_make.empty()) j["camera_make"] = camera_make;
  if (!camera_model.empty()) j["camera_model"] = camera_model;
  if (duration_seconds) j["duration_seconds"] = *duration_seconds;
  if (width) j["width"] = *width;
  if (height) j["height"] = *height;
  if (!kind.empty()) j["kind"] = kind.substr(0, 1000);
  if (!warnings.empty()) j["warnings"] = warnings;
  return j;
}

CaptureMetadata CaptureMetadata::FromJson(const Json& j, const std::string& media_type) {
  CaptureMetadata m;
  m.media_type = media_type;
  if (!j.is_object()) return m;
  if (j.contains("taken_at")) m.taken_at = j["taken_at"].get<std::string>();
  if (j.contains("creation_time")) m.creation_time = j["creation_time"].get<std::string>();
  if (j.contains("latitude")) m.latitude = j["latitude"].get<double>();
  if (j.contains("longitude")) m.longitude = j["longitude"].get<double>();
  if (j.contains("altitude")) m.altitude = j["altitude"].get<double>();
  m.camera_make = j.value("camera_make", "");
  m.camera_model = j.value("camera_model", "");
  if (j.contains("duration_seconds")) m.duration_seconds = j["duration_seconds"].get<double>();
  if (j.contains("width")) m.width = j["width"].get<int>();
  if (j.contains("height")) m.height = j["height"].get<int>();
  m.kind = j.value("kind", "");
  return m;
}

double DistanceKm(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kRad = M_PI / 180;
  double dlat = (lat2 - lat1) * kRad, dlon = (lon2 - lon1) * kRad;
  double a = std::sin(dlat / 2) * std::sin(dlat / 2) + std::cos(lat1 * kRad) *
                                                           std::cos(lat2 * kRad) *
                                                           std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * 6371.0 * std::asin(std::min(1.0, std::sqrt(a)));
}

Json CheckAgainstEntered(const CaptureMetadata& m, const EnteredFacts& entered) {
  Json flags = Json::array();
  // The camera clock has no time zone and may be a day off either way.
  std::optional<std::string> found = m.taken_at ? m.taken_at : m.creation_time;
  if (!entered.captured_on.empty() && found && found->size() >= 10) {
    auto date = FuzzyDate::Parse(entered.captured_on);
    auto found_date = FuzzyDate::Parse(found->substr(0, 10));
    if (date.ok() && found_date.ok()) {
      int64_t day = DaysOf(found->substr(0, 10));
      int64_t earliest = DaysOf(date->Earliest()), latest = DaysOf(date->Latest());
      if (day < earliest - 1 || day > latest + 1) {
        flags.push_back(
            {{"field", "captured_on"},
             {"entered", entered.captured_on},
             {"found", *found},
             {"note",
              std::string(m.taken_at ? "the EXIF capture date" : "the recording's creation time") +
                  " is " + std::to_string(day < earliest ? earliest - day : day - latest) +
                  " days away from the date entered"}});
      }
    }
  }
  if (entered.latitude && entered.longitude && m.latitude && m.longitude) {
    double km = DistanceKm(*entered.latitude, *entered.longitude, *m.latitude, *m.longitude);
    if (km > entered.tolerance_km) {
      flags.push_back(
          {{"field", "place"},
           {"entered", Round(*entered.latitude, 5) + "," + Round(*entered.longitude, 5) + " (" +
                           entered.place_label + ")"},
           {"found", Round(*m.latitude, 5) + "," + Round(*m.longitude, 5)},
           {"note", "the file's GPS position is " + Round(km, 1) + " km from " +
                        entered.place_label + " (tolerance " + Round(entered.tolerance_km, 0) +
                        " km)"}});
    }
  }
  return flags;
}

}  // namespace kuzot::evidence
