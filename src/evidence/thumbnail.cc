#include "evidence/thumbnail.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libswscale/swscale.h>
}

#include "evidence/av_input.h"

namespace kuzot::evidence {
namespace {

constexpr int64_t kMaxPixels = 100'000'000;

struct CodecContext {
  AVCodecContext* ctx = nullptr;
  ~CodecContext() { avcodec_free_context(&ctx); }
};
struct Frame {
  AVFrame* f = av_frame_alloc();
  ~Frame() { av_frame_free(&f); }
};
struct Packet {
  AVPacket* p = av_packet_alloc();
  ~Packet() { av_packet_free(&p); }
};

// Decodes the first picture of `stream`.
Status DecodeFirst(AVFormatContext* format, int stream, AVCodecContext* decoder, AVFrame* frame) {
  Packet packet;
  for (int packets = 0; packets < 2000; ++packets) {
    int rc = av_read_frame(format, packet.p);
    bool eof = rc == AVERROR_EOF;
    if (rc < 0 && !eof) return Status::InvalidArgument("cannot read a frame: " + AvError(rc));
    if (!eof && packet.p->stream_index != stream) {
      av_packet_unref(packet.p);
      continue;
    }
    rc = avcodec_send_packet(decoder, eof ? nullptr : packet.p);
    av_packet_unref(packet.p);
    if (rc < 0 && rc != AVERROR(EAGAIN) && rc != AVERROR_EOF) {
      return Status::InvalidArgument("cannot decode the picture: " + AvError(rc));
    }
    rc = avcodec_receive_frame(decoder, frame);
    if (rc == 0) return Status::Ok();
    if (rc != AVERROR(EAGAIN)) return Status::InvalidArgument("no picture decoded: " + AvError(rc));
    if (eof) break;
  }
  return Status::InvalidArgument("no picture found in the first frames");
}

}  // namespace

Result<std::string> MakeThumbnail(BlobReader& reader, int max_side) {
  KUZOT_ASSIGN_OR_RETURN(auto input, AvInput::Open(reader));
  AVFormatContext* format = input->format();
  const AVCodec* codec = nullptr;
  int stream = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
  if (stream < 0 || !codec) return Status::InvalidArgument("the file has no picture to preview");
  AVCodecParameters* params = format->streams[stream]->codecpar;
  if (static_cast<int64_t>(params->width) * params->height > kMaxPixels) {
    return Status::InvalidArgument("the picture is over 100 megapixels; no preview is made");
  }
  CodecContext decoder;
  decoder.ctx = avcodec_alloc_context3(codec);
  if (!decoder.ctx || avcodec_parameters_to_context(decoder.ctx, params) < 0 ||
      avcodec_open2(decoder.ctx, codec, nullptr) < 0) {
    return Status::InvalidArgument("no decoder for this picture");
  }
  Frame frame;
  Status decoded = DecodeFirst(format, stream, decoder.ctx, frame.f);
  if (!input->read_error().ok()) return input->read_error();
  KUZOT_RETURN_IF_ERROR(decoded);
  int w = frame.f->width, h = frame.f->height;
  if (w <= 0 || h <= 0) return Status::InvalidArgument("the picture has no size");
  double scale = std::min(1.0, static_cast<double>(max_side) / std::max(w, h));
  int tw = std::max(1, static_cast<int>(w * scale)), th = std::max(1, static_cast<int>(h * scale));

  SwsContext* sws = sws_getContext(w, h, static_cast<AVPixelFormat>(frame.f->format), tw, th,
                                   AV_PIX_FMT_RGB24, SWS_AREA, nullptr, nullptr, nullptr);
  if (!sws) return Status::InvalidArgument("cannot scale this pixel format");
  Frame rgb;
  rgb.f->format = AV_PIX_FMT_RGB24;
  rgb.f->width = tw;
  rgb.f->height = th;
  if (av_frame_get_buffer(rgb.f, 0) < 0) {
    sws_freeContext(sws);
    return Status::Internal("out of memory for a preview");
  }
  sws_scale(sws, frame.f->data, frame.f->linesize, 0, h, rgb.f->data, rgb.f->linesize);
  sws_freeContext(sws);

  const AVCodec* png = avcodec_find_encoder(AV_CODEC_ID_PNG);
  if (!png) return Status::Internal("libavcodec has no PNG encoder");
  CodecContext encoder;
  encoder.ctx = avcodec_alloc_context3(png);
  encoder.ctx->width = tw;
  encoder.ctx->height = th;
  encoder.ctx->pix_fmt = AV_PIX_FMT_RGB24;
  encoder.ctx->time_base = AVRational{1, 25};
  if (avcodec_open2(encoder.ctx, png, nullptr) < 0)
    return Status::Internal("cannot open the PNG encoder");
  Packet packet;
  if (avcodec_send_frame(encoder.ctx, rgb.f) < 0 || avcodec_send_frame(encoder.ctx, nullptr) < 0 ||
      avcodec_receive_packet(encoder.ctx, packet.p) < 0) {
    return Status::Internal("PNG encoding failed");
  }
  return std::string(reinterpret_cast<const char*>(packet.p->data), packet.p->size);
}

}  // namespace kuzot::evidence
