#include "http/evidence_routes.h"

#include <sodium.h>

#include <cstring>

#include "common/base64.h"
#include "http/byte_ranges.h"
#include "http/error_mapping.h"

namespace kuzot::http {
namespace {

using evidence::EvidenceService;

constexpr char kTusVersion[] = "1.0.0";
constexpr char kUploads[] = "/api/v1/uploads";

Status NoKey() {
  return Status::Unavailable(
      "evidence files are off: start kuzot serve with --key-file (KUZOT_KEY_FILE), the "
      "installation's data key; see doc/evidence.md");
}

Response WithTus(Response r) {
  r.headers.emplace_back("Tus-Resumable", kTusVersion);
  return r;
}

Response TusError(const Status& s) { return WithTus(ErrorResponse(s)); }

// The evidence record's fields from upload metadata: "record" (a JSON
// object) and/or single keys (title, description, captured_on, place_id,
// latitude, longitude, confidentiality, event_ids/act_ids/person_ids as
// comma-separated ids); "filename" becomes file_name (and the title when
// none is given).
Result<Json> FieldsFrom(const std::vector<std::pair<std::string, std::string>>& pairs) {
  Json fields = Json::object();
  for (const auto& [k, v] : pairs) {
    if (k != "record") continue;
    fields = Json::parse(v, nullptr, false);
    if (!fields.is_object()) {
      return Status::InvalidArgument("must be a JSON object of evidence fields", "record");
    }
  }
  for (const auto& [k, v] : pairs) {
    if (k == "record" || k == "filetype" || k == "type" || k == "name") continue;
    if (k == "filename") {
      fields["file_name"] = v;
    } else if (k == "latitude" || k == "longitude") {
      char* end = nullptr;
      double d = std::strtod(v.c_str(), &end);
      if (v.empty() || *end) return Status::InvalidArgument("must be a number", k);
      fields[k] = d;
    } else if (k == "event_ids" || k == "act_ids" || k == "person_ids") {
      Json ids = Json::array();
      size_t i = 0;
      while (i <= v.size() && !v.empty()) {
        size_t j = v.find(',', i);
        if (j == std::string::npos) j = v.size();
        if (j > i) ids.push_back(v.substr(i, j - i));
        i = j + 1;
      }
      fields[k] = ids;
    } else {
      fields[k] = v;
    }
  }
  if (!fields.contains("title") && fields.contains("file_name"))
    fields["title"] = fields["file_name"];
  return fields;
}

// "key base64,key base64" (tus Upload-Metadata).
Result<std::vector<std::pair<std::string, std::string>>> ParseTusMetadata(
    const std::string& header) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t i = 0;
  while (i < header.size()) {
    size_t j = header.find(',', i);
    if (j == std::string::npos) j = header.size();
    std::string item = header.substr(i, j - i);
    size_t b = item.find_first_not_of(' ');
    item = b == std::string::npos ? "" : item.substr(b);
    if (!item.empty()) {
      size_t space = item.find(' ');
      std::string key = item.substr(0, space);
      std::string value;
      if (space != std::string::npos) {
        auto decoded = Base64Decode(item.substr(space + 1));
        if (!decoded) {
          return Status::InvalidArgument("the value of '" + key.substr(0, 40) + "' is not base64",
                                         "upload-metadata");
        }
        value = *decoded;
      }
      out.emplace_back(key, value);
    }
    i = j + 1;
  }
  return out;
}

Status CheckTusVersion(const Request& r) {
  if (r.Header("tus-resumable") != kTusVersion) {
    return Status::PreconditionFailed("send Tus-Resumable: 1.0.0 (the only tus version served)");
  }
  return Status::Ok();
}

Response UploadState(const evidence::UploadInfo& info, int status) {
  Json body = {{"id", info.id},
               {"offset", info.offset},
               {"length", info.length},
               {"expires_at", info.expires_at},
               {"location", std::string(kUploads) + "/" + info.id}};
  if (!info.evidence_id.empty()) body["evidence_id"] = info.evidence_id;
  Response r = Response::JsonBody(status, body);
  r.headers.emplace_back("Upload-Offset", std::to_string(info.offset));
  r.headers.emplace_back("Upload-Length", std::to_string(info.length));
  if (!info.expires_at.empty()) r.headers.emplace_back("Upload-Expires", info.expires_at);
  if (!info.evidence_id.empty()) r.headers.emplace_back("Kuzot-Evidence-Id", info.evidence_id);
  return WithTus(std::move(r));
}

// Hands HTTP body pieces to an upload and maps the end to an answer.
class UploadBodySink : public BodySink {
 public:
  UploadBodySink(std::unique_ptr<evidence::UploadSink> sink, bool tus)
      : sink_(std::move(sink)), tus_(tus) {}
  Status Write(std::string_view piece) override { return sink_->Write(piece); }
  Response Finish(const Status& body) override {
    bool write_error = !body.ok() && body.code() != StatusCode::kInvalidArgument;
    auto info = sink_->Finish(body.ok());
    if (write_error) return tus_ ? TusError(body) : ErrorResponse(body);
    if (!info.ok()) {
      // A body cut short says why first ("nothing came for 30 s"), then
      // what became of the upload.
      Status why = info.status();
      if (!body.ok() && why.code() == StatusCode::kInvalidArgument) {
        why = Status::InvalidArgument(body.message() + "; " + why.message());
      }
      return tus_ ? TusError(why) : ErrorResponse(why);
    }
    if (!body.ok()) return tus_ ? TusError(body) : ErrorResponse(body);
    if (tus_) {
      Response r = UploadState(info.value(), 204);
      r.body.clear();
      return r;
    }
    Response r = Response::JsonBody(201, info->record);
    r.headers.emplace_back("Location", "/api/v1/evidence/" + info->evidence_id);
    return r;
  }

 private:
  std::unique_ptr<evidence::UploadSink> sink_;
  bool tus_;
};

// A downloaded file (or a range of it) read from the decrypting stream.
class FileSource : public BodySource {
 public:
  FileSource(std::unique_ptr<evidence::FileStream> stream, uint64_t length)
      : stream_(std::move(stream)), left_(length), length_(length) {}
  uint64_t size() const override { return length_; }
  Result<size_t> Read(char* out, size_t n) override {
    if (left_ == 0) return size_t{0};
    KUZOT_ASSIGN_OR_RETURN(size_t got, stream_->Read(out, std::min<uint64_t>(n, left_)));
    left_ -= got;
    return got;
  }
  Result<std::string_view> Next(size_t n) override {
    if (left_ == 0) return std::string_view();
    KUZOT_ASSIGN_OR_RETURN(std::string_view got, stream_->Next(std::min<uint64_t>(n, left_)));
    left_ -= got.size();
    return got;
  }

 private:
  std::unique_ptr<evidence::FileStream> stream_;
  uint64_t left_;
  uint64_t length_;
};

Response Download(EvidenceService& service, Request& r) {
  auto download = service.OpenFile(r.caller, r.params["id"], r.Header("range"));
  if (!download.ok()) return ErrorResponse(download.status());
  uint64_t size = download->stream->size();
  auto range = ParseRanges(r.Header("range"), size);
  if (!range.ok()) {
    Response e = ErrorResponse(range.status());
    e.headers.emplace_back("Content-Range", "bytes */" + std::to_string(size));
    return e;
  }
  Response out;
  out.content_type = download->media_type;
  std::string digest;
  {
    unsigned char raw[32];
    size_t length = 0;
    sodium_hex2bin(raw, sizeof raw, download->sha256.data(), download->sha256.size(), nullptr,
                   &length, nullptr);
    digest = Base64Encode(std::string_view(reinterpret_cast<char*>(raw), length));
  }
  out.headers = {
      {"Accept-Ranges", "bytes"},
      {"ETag", "\"" + download->sha256 + "\""},
      {"Repr-Digest", "sha-256=:" + digest + ":"},
      {"Content-Disposition",
       "attachment; filename=\"" + evidence::SafeFileName(download->file_name, "evidence") + "\""}};
  uint64_t length = size;
  if (range.value() && range.value()->size() > 1) {
    // Several ranges: one part each (RFC 9110, 14.6).
    std::string boundary = NewBoundary();
    out.status = 206;
    out.source = std::make_shared<MultipartRangesSource>(
        std::move(download->stream), std::move(*range.value()), out.content_type, boundary);
    out.content_type = "multipart/byteranges; boundary=" + boundary;
    return out;
  }
  if (range.value()) {
    const ByteRange& b = range.value()->front();
    Status s = download->stream->Seek(b.first);
    if (!s.ok()) return ErrorResponse(s);
    length = b.length();
    out.status = 206;
    out.headers.emplace_back("Content-Range", "bytes " + std::to_string(b.first) + "-" +
                                                  std::to_string(b.last) + "/" +
                                                  std::to_string(size));
  }
  out.source = std::make_shared<FileSource>(std::move(download->stream), length);
  return out;
}

}  // namespace

void AddEvidenceRoutes(Router& router, EvidenceService* service) {
  router.Add({"OPTIONS", kUploads, "public",
              "tus discovery: versions, extensions, largest size and checksum algorithms",
              [service](Request&) {
                Response r;
                r.status = 204;
                r.headers = {{"Tus-Resumable", kTusVersion},
                             {"Tus-Version", kTusVersion},
                             {"Tus-Extension", "creation,checksum,termination"},
                             {"Tus-Checksum-Algorithm", "sha1,sha256,md5"}};
                if (service) {
                  r.headers.emplace_back("Tus-Max-Size", std::to_string(service->max_file_bytes()));
                }
                return r;
              }});
  router.Add({"POST", kUploads, "evidence:upload",
              "Start a resumable (tus) upload of an evidence file: Upload-Length, Upload-Metadata "
              "(filename, title, record, ...)",
              [service](Request& r) {
                if (!service) return TusError(NoKey());
                Status version = CheckTusVersion(r);
                if (!version.ok()) return TusError(version);
                if (!r.Header("upload-defer-length").empty()) {
                  return TusError(Status::InvalidArgument(
                      "Upload-Defer-Length is not supported: send Upload-Length", "upload-length"));
                }
                auto length = ParseUint(r.Header("upload-length"));
                if (!length) {
                  return TusError(Status::InvalidArgument(
                      "send Upload-Length, the file's size in bytes", "upload-length"));
                }
                if (!r.body.empty()) {
                  return TusError(Status::InvalidArgument(
                      "send the file with PATCH after creating the upload (creation-with-upload "
                      "is not supported)"));
                }
                auto metadata = ParseTusMetadata(r.Header("upload-metadata"));
                if (!metadata.ok()) return TusError(metadata.status());
                auto fields = FieldsFrom(metadata.value());
                if (!fields.ok()) return TusError(fields.status());
                auto info = service->CreateUpload(r.caller, *length, fields.value());
                if (!info.ok()) return TusError(info.status());
                Response out = UploadState(info.value(), 201);
                out.headers.emplace_back("Location", std::string(kUploads) + "/" + info->id);
                return out;
              }});
  router.Add({"GET", std::string(kUploads) + "/{id}", "evidence:upload",
              "An upload's offset (HEAD, tus) and, once complete, its evidence id",
              [service](Request& r) {
                if (!service) return TusError(NoKey());
                auto info = service->GetUpload(r.caller, r.params["id"]);
                if (!info.ok()) return TusError(info.status());
                return UploadState(info.value(), 200);
              }});
  Route patch{
      "PATCH", std::string(kUploads) + "/{id}", "evidence:upload",
      "Append to a resumable upload at Upload-Offset (body application/offset+octet-stream; "
      "optional Upload-Checksum: sha256 BASE64)",
      nullptr};
  patch.stream_handler = [service](Request& r) {
    StreamStart start;
    auto refuse = [&](Status s) {
      start.response = TusError(s);
      return std::move(start);
    };
    if (!service) return refuse(NoKey());
    Status version = CheckTusVersion(r);
    if (!version.ok()) return refuse(version);
    if (r.Header("content-type") != "application/offset+octet-stream") {
      return refuse(Status::UnsupportedMediaType(
          "send the bytes as Content-Type: application/offset+octet-stream"));
    }
    auto offset = ParseUint(r.Header("upload-offset"));
    if (!offset) {
      return refuse(
          Status::InvalidArgument("send Upload-Offset, where these bytes go", "upload-offset"));
    }
    std::optional<evidence::Checksum> checksum;
    std::string header = r.Header("upload-checksum");
    if (!header.empty()) {
      size_t space = header.find(' ');
      auto digest =
          space == std::string::npos ? std::nullopt : Base64Decode(header.substr(space + 1));
      if (!digest) {
        return refuse(
            Status::InvalidArgument("write Upload-Checksum as 'sha256 BASE64'", "upload-checksum"));
      }
      checksum = evidence::Checksum{header.substr(0, space), *digest};
    }
    auto sink = service->AppendToUpload(r.caller, r.params["id"], *offset, checksum);
    if (!sink.ok()) return refuse(sink.status());
    start.sink = std::make_unique<UploadBodySink>(std::move(sink).value(), true);
    return start;
  };
  router.Add(std::move(patch));
  router.Add({"DELETE", std::string(kUploads) + "/{id}", "evidence:upload",
              "Abandon a resumable upload (tus termination); its bytes are removed",
              [service](Request& r) {
                if (!service) return TusError(NoKey());
                Status s = CheckTusVersion(r);
                if (s.ok()) s = service->TerminateUpload(r.caller, r.params["id"]);
                if (!s.ok()) return TusError(s);
                Response out;
                out.status = 204;
                return WithTus(std::move(out));
              }});
  Route simple{"POST", "/api/v1/evidence/files", "evidence:upload",
               "Upload a whole evidence file in one request (the body is the file; fields as "
               "query parameters: title, filename, captured_on, record=JSON, ...)",
               nullptr};
  simple.stream_handler = [service](Request& r) {
    StreamStart start;
    if (!service) {
      start.response = ErrorResponse(NoKey());
      return start;
    }
    auto fields = FieldsFrom(r.query);
    if (!fields.ok()) {
      start.response = ErrorResponse(fields.status());
      return start;
    }
    std::optional<uint64_t> length = ParseUint(r.Header("content-length"));
    auto sink = service->BeginSimpleUpload(r.caller, length, fields.value());
    if (!sink.ok()) {
      start.response = ErrorResponse(sink.status());
      return start;
    }
    start.sink = std::make_unique<UploadBodySink>(std::move(sink).value(), false);
    return start;
  };
  router.Add(std::move(simple));
  router.Add({"GET", "/api/v1/evidence/{id}/file", "evidence:download",
              "Download the file, decrypted (HTTP Range for seeking: 206, several ranges as "
              "multipart/byteranges, 416); refused when the "
              "stored file fails its integrity check",
              [service](Request& r) {
                if (!service) return ErrorResponse(NoKey());
                return Download(*service, r);
              }});
  router.Add({"GET", "/api/v1/evidence/{id}/thumbnail", "evidence:download",
              "A small PNG preview of an image or video", [service](Request& r) {
                if (!service) return ErrorResponse(NoKey());
                auto png = service->Thumbnail(r.caller, r.params["id"]);
                if (!png.ok()) return ErrorResponse(png.status());
                Response out;
                out.content_type = "image/png";
                out.body = std::move(png).value();
                return out;
              }});
  router.Add({"GET", "/api/v1/evidence/{id}/custody", "evidence:download",
              "The chain of custody: every upload, view, download, export and link change, "
              "hash-chained",
              [service](Request& r) {
                if (!service) return ErrorResponse(NoKey());
                auto custody = service->Custody(r.caller, r.params["id"]);
                if (!custody.ok()) return ErrorResponse(custody.status());
                return Response::JsonBody(200, custody.value());
              }});
}

}  // namespace kuzot::http
