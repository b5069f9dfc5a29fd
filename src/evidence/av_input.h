// libavformat reading from a decrypting BlobReader (custom AVIOContext with
// read and seek), shared by metadata extraction and thumbnails. Private to
// the evidence module.
#pragma once

extern "C" {
#include <libavformat/avformat.h>
}

#include <memory>
#include <string>

#include "common/status.h"
#include "evidence/blob_format.h"

namespace kuzot::evidence {

// An opened input: owns the format context and the I/O context.
class AvInput {
 public:
  // Opens and probes the content; InvalidArgument with libav's reason when
  // it is not a format libavformat knows.
  static Result<std::unique_ptr<AvInput>> Open(BlobReader& reader);
  ~AvInput();
  AVFormatContext* format() { return format_; }
  // A corrupt blob seen while libav was reading (libav only sees EOF).
  const Status& read_error() const { return read_error_; }

 private:
  AvInput() = default;
  static int Read(void* opaque, uint8_t* buf, int size);
  static int64_t Seek(void* opaque, int64_t offset, int whence);

  BlobReader* reader_ = nullptr;
  AVFormatContext* format_ = nullptr;
  AVIOContext* io_ = nullptr;
  Status read_error_;
};

std::string AvError(int code);

}  // namespace kuzot::evidence
