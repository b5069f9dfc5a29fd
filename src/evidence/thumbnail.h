// Small PNG previews of images and of a video's first frame, made with
// libavformat/libavcodec (decode) and libswscale (scale), so that a record
// page can show what a file is without sending the original.
#pragma once

#include <string>

#include "common/status.h"
#include "evidence/blob_format.h"

namespace kuzot::evidence {

// A PNG no larger than `max_side` pixels on either side. InvalidArgument
// when the content has no picture libav can decode or is larger than 100
// megapixels; Corrupt when the blob fails authentication.
Result<std::string> MakeThumbnail(BlobReader& reader, int max_side = 320);

}  // namespace kuzot::evidence
