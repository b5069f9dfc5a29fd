// Encoding detection and conversion to UTF-8 with ICU. Spreadsheets saved
// by Excel on Russian-locale Windows come as windows-1251, older systems
// give KOI8-R or CP866, "Unicode text" from Excel is UTF-16 with a BOM.
#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>

#include <algorithm>
#include <memory>
#include <string>

#include "tabular/tabular.h"

namespace kuzot::tabular {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Whether `s` is well-formed UTF-8 (no overlongs, no surrogates).
bool IsUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int extra = 0;
    uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      extra = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    static const uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

// UTF-16 without a BOM shows as NUL bytes in every other position.
std::string GuessUtf16(std::string_view s) {
  size_t n = std::min<size_t>(s.size(), 4096) & ~size_t{1};
  if (n < 4) return {};
  size_t even = 0, odd = 0;
  for (size_t i = 0; i < n; i += 2) {
    even += s[i] == 0;
    odd += s[i + 1] == 0;
  }
  if (odd * 3 > n && even * 20 < n) return "UTF-16LE";
  if (even * 3 > n && odd * 20 < n) return "UTF-16BE";
  return {};
}

Result<std::string> Convert(std::string_view bytes, const std::string& encoding,
                            std::string_view name) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, decltype(&ucnv_close)> from(ucnv_open(encoding.c_str(), &status),
                                                          &ucnv_close);
  if (U_FAILURE(status)) {
    return Status::InvalidArgument(std::string(name) + ": unknown encoding \"" + encoding + "\"");
  }
  // Stop at the first byte that is not in the encoding rather than
  // inventing a replacement character.
  ucnv_setToUCallBack(from.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
  std::unique_ptr<UConverter, decltype(&ucnv_close)> to(ucnv_open("UTF-8", &status), &ucnv_close);
  if (U_FAILURE(status)) return Status::Internal("ICU has no UTF-8 converter");
  std::string out(bytes.size() * 3 + 16, '\0');
  char* target = out.data();
  const char* source = bytes.data();
  ucnv_convertEx(to.get(), from.get(), &target, out.data() + out.size(), &source,
                 bytes.data() + bytes.size(), nullptr, nullptr, nullptr, nullptr, true, true,
                 &status);
  if (U_FAILURE(status)) {
    return Status::InvalidArgument(std::string(name) + ": byte " +
                                   std::to_string(source - bytes.data()) + " is not valid " +
                                   encoding + "; save the file as UTF-8 or name its encoding");
  }
  out.resize(target - out.data());
  return out;
}

// Decodes a single-byte encoding leniently, for scoring only.
std::u32string DecodeForScore(std::string_view bytes, const char* encoding) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, decltype(&ucnv_close)> cnv(ucnv_open(encoding, &status), &ucnv_close);
  if (U_FAILURE(status)) return {};
  std::u32string out;
  const char* p = bytes.data();
  const char* end = p + std::min<size_t>(bytes.size(), 1 << 16);
  while (p < end && U_SUCCESS(status))
    out.push_back(ucnv_getNextUChar(cnv.get(), &p, end, &status));
  return out;
}

// How much `text` looks like Cyrillic prose: lower-case letters score,
// capitals inside a word and pseudo-graphics (what a wrong code page
// produces) cost.
long CyrillicScore(const std::u32string& text) {
  long score = 0;
  bool prev_lower = false;
  for (char32_t c : text) {
    bool lower = (c >= 0x430 && c <= 0x44F) || c == 0x451;
    bool upper = (c >= 0x410 && c <= 0x42F) || c == 0x401;
    if (lower) score += 2;
    if (upper && prev_lower) score -= 3;
    if ((c >= 0x2500 && c <= 0x25FF) || (c >= 0x80 && c < 0x400 && c != 0xA0)) score -= 3;
    prev_lower = lower;
  }
  return score;
}

// The Cyrillic code page Central Asian offices use that best explains
// `bytes`, or empty when none reads as Cyrillic text.
std::string DetectCyrillicCodePage(std::string_view bytes) {
  std::string best;
  long best_score = 0;
  for (const char* encoding : {"windows-1251", "KOI8-R", "IBM866"}) {
    long score = CyrillicScore(DecodeForScore(bytes, encoding));
    if (score > best_score) {
      best_score = score;
      best = encoding;
    }
  }
  return best;
}

}  // namespace

Result<std::string> ToUtf8(std::string_view bytes, std::string_view name,
                           const std::string& encoding, std::string* detected) {
  std::string chosen = encoding;
  if (chosen.empty()) {
    if (StartsWith(bytes, "\xEF\xBB\xBF")) {
      bytes.remove_prefix(3);
      chosen = "UTF-8";
    } else if (StartsWith(bytes, "\xFF\xFE")) {
      bytes.remove_prefix(2);
      chosen = "UTF-16LE";
    } else if (StartsWith(bytes, "\xFE\xFF")) {
      bytes.remove_prefix(2);
      chosen = "UTF-16BE";
    } else if (std::string utf16 = GuessUtf16(bytes); !utf16.empty()) {
      chosen = utf16;
    } else if (IsUtf8(bytes)) {
      chosen = "UTF-8";
    } else if (std::string cyrillic = DetectCyrillicCodePage(bytes); !cyrillic.empty()) {
      chosen = cyrillic;
    } else {
      UErrorCode status = U_ZERO_ERROR;
      std::unique_ptr<UCharsetDetector, decltype(&ucsdet_close)> detector(ucsdet_open(&status),
                                                                          &ucsdet_close);
      if (U_FAILURE(status)) return Status::Internal("ICU's charset detector is unavailable");
      ucsdet_setText(detector.get(), bytes.data(),
                     static_cast<int32_t>(std::min<size_t>(bytes.size(), 1 << 20)), &status);
      const UCharsetMatch* match = ucsdet_detect(detector.get(), &status);
      int32_t confidence = match ? ucsdet_getConfidence(match, &status) : 0;
      const char* guess = match ? ucsdet_getName(match, &status) : nullptr;
      if (U_FAILURE(status) || !guess || confidence < 20) {
        return Status::InvalidArgument(
            std::string(name) +
            ": cannot tell the file's encoding (it is not UTF-8 or UTF-16, and looks like no "
            "single-byte encoding either); save it as UTF-8 or name its encoding");
      }
      chosen = guess;
    }
  }
  if (detected) *detected = chosen;
  std::string text;
  if (chosen == "UTF-8") {
    if (!IsUtf8(bytes)) {
      return Status::InvalidArgument(std::string(name) +
                                     ": is not valid UTF-8; name its real encoding");
    }
    text.assign(bytes);
  } else {
    KUZOT_ASSIGN_OR_RETURN(text, Convert(bytes, chosen, name));
  }
  // Control characters other than tab and line ends mean this is not text.
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      return Status::InvalidArgument(std::string(name) + ": byte " + std::to_string(i) +
                                     " is a control character; this does not look like a "
                                     "text table (as " +
                                     chosen + ")");
    }
  }
  return text;
}

}  // namespace kuzot::tabular
