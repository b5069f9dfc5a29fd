// What a file says about itself: its type from its bytes (libmagic, never
// the name), and capture metadata — EXIF date, GPS position and camera
// (exiv2), duration, creation time and recorded location of audio and video
// (libavformat) — plus the places where it contradicts what the uploader
// entered.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "evidence/blob_format.h"

namespace kuzot::evidence {

using Json = nlohmann::ordered_json;

struct CaptureMetadata {
  std::string media_type;  // "image/jpeg"; from the content
  std::string kind;        // libmagic's description, "JPEG image data, Exif standard ..."
  std::optional<std::string>
      taken_at;  // EXIF DateTimeOriginal, "2021-04-29T14:03:07" (camera clock, no zone)
  std::optional<std::string> creation_time;             // audio/video container, ISO 8601 as found
  std::optional<double> latitude, longitude, altitude;  // WGS84 from EXIF GPS or the container
  std::string camera_make, camera_model;
  std::optional<double> duration_seconds;
  std::optional<int> width, height;
  std::vector<std::string> warnings;  // what could not be read, and why

  // {"taken_at":…, "latitude":…, …} without absent values; media_type and
  // kind are not in it (they are fields of the record).
  Json ToJson() const;
  static CaptureMetadata FromJson(const Json& capture, const std::string& media_type);
};

// Detects the type from the first bytes and reads the metadata the type
// carries. `reader` is left at an unspecified position. Unreadable
// metadata is a warning, not an error; only a corrupt blob fails.
Result<CaptureMetadata> ExtractMetadata(BlobReader& reader);

// The type of `head` (the first bytes of a file) as a MIME type and a description.
std::pair<std::string, std::string> DetectType(std::string_view head);

// What the uploader entered, to compare with the file.
struct EnteredFacts {
  std::string captured_on;  // fuzzy date "YYYY[-MM[-DD]]", empty when not given
  std::optional<double> latitude, longitude;
  double tolerance_km = 25;  // how far the file's position may be from the entered one
  std::string place_label;   // "place Leilek (village)" or "the entered coordinates"
};

// One contradiction: {"field", "entered", "found", "note"}.
Json CheckAgainstEntered(const CaptureMetadata& metadata, const EnteredFacts& entered);

// Great-circle distance in km (haversine, mean Earth radius 6371 km).
double DistanceKm(double lat1, double lon1, double lat2, double lon2);

}  // namespace kuzot::evidence
