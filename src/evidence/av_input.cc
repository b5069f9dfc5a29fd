#include "evidence/av_input.h"

namespace kuzot::evidence {

std::string AvError(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {0};
  av_strerror(code, text, sizeof text);
  return text;
}

int AvInput::Read(void* opaque, uint8_t* buf, int size) {
  auto* self = static_cast<AvInput*>(opaque);
  auto n = self->reader_->Read(reinterpret_cast<char*>(buf), static_cast<size_t>(size));
  if (!n.ok()) {
    self->read_error_ = n.status();
    return AVERROR(EIO);
  }
  return n.value() == 0 ? AVERROR_EOF : static_cast<int>(n.value());
}

int64_t AvInput::Seek(void* opaque, int64_t offset, int whence) {
  auto* self = static_cast<AvInput*>(opaque);
  BlobReader& r = *self->reader_;
  int64_t size = static_cast<int64_t>(r.size());
  switch (whence & ~AVSEEK_FORCE) {
    case AVSEEK_SIZE:
      return size;
    case SEEK_SET:
      break;
    case SEEK_CUR:
      offset += static_cast<int64_t>(r.position());
      break;
    case SEEK_END:
      offset += size;
      break;
    default:
      return AVERROR(EINVAL);
  }
  if (offset < 0 || offset > size) return AVERROR(EINVAL);
  Status s = r.Seek(static_cast<uint64_t>(offset));
  if (!s.ok()) {
    self->read_error_ = s;
    return AVERROR(EIO);
  }
  return offset;
}

Result<std::unique_ptr<AvInput>> AvInput::Open(BlobReader& reader) {
  std::unique_ptr<AvInput> in(new AvInput());
  in->reader_ = &reader;
  KUZOT_RETURN_IF_ERROR(reader.Seek(0));
  constexpr int kBuffer = 64 << 10;
  auto* buffer = static_cast<unsigned char*>(av_malloc(kBuffer));
  in->io_ =
      avio_alloc_context(buffer, kBuffer, 0, in.get(), &AvInput::Read, nullptr, &AvInput::Seek);
  in->format_ = avformat_alloc_context();
  if (!in->io_ || !in->format_) return Status::Internal("libavformat: out of memory");
  in->format_->pb = in->io_;
  in->format_->flags |= AVFMT_FLAG_CUSTOM_IO;
  int rc = avformat_open_input(&in->format_, nullptr, nullptr, nullptr);
  if (rc < 0) {
    in->format_ = nullptr;  // freed by avformat_open_input on failure
    if (!in->read_error_.ok()) return in->read_error_;
    return Status::InvalidArgument("libavformat cannot read it: " + AvError(rc));
  }
  rc = avformat_find_stream_info(in->format_, nullptr);
  if (rc < 0) {
    if (!in->read_error_.ok()) return in->read_error_;
    return Status::InvalidArgument("libavformat finds no streams: " + AvError(rc));
  }
  return in;
}

AvInput::~AvInput() {
  if (format_) avformat_close_input(&format_);
  if (io_) {
    av_freep(&io_->buffer);
    avio_context_free(&io_);
  }
}

}  // namespace kuzot::evidence
