#include "linkage/compare.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "linkage/strings.h"

namespace kuzot::linkage {
namespace {

// How two name tokens compare.
constexpr int kExact = 1, kClose = 2, kMedium = 3, kInitial = 4, kFar = 5;
// Levels of the name field (FieldSpec::levels order, from 1).
enum NameField {
  kNameExact = 1,  // two or more tokens, all the same
  kNameClose,      // all the same or one typo apart
  kNameInitial,    // the same, and initials that agree ("Abdykadyrova A.")
  kNameSingle,     // one token the same, nothing else to compare
  kNamePartial,    // one the same, another only alike
  kNameWeak,       // none the same, some alike
  kNameConflict,   // one the same, another different (siblings, namesakes)
  kNameFar,
};

std::string DateText(const Features& f, uint32_t i) {
  char buf[32];
  if (f.birth_date[i]) {
    int d = f.birth_date[i];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d / 10000, d / 100 % 100, d % 100);
    return buf;
  }
  if (f.birth_digits[i]) return f.strings.Get(f.birth_digits[i]) + " (not a date)";
  if (f.year_lo[i] == 0) return {};
  if (f.year_lo[i] == f.year_hi[i]) return std::to_string(f.year_lo[i]);
  return std::to_string(f.year_lo[i]) + "-" + std::to_string(f.year_hi[i]) + " (from age)";
}

// The eight digits a date is compared by as text.
std::string DateDigits(const Features& f, uint32_t i) {
  if (f.birth_date[i]) return std::to_string(f.birth_date[i]);
  if (f.birth_digits[i]) return f.strings.Get(f.birth_digits[i]);
  return {};
}

const char* SexText(uint8_t s) { return s == 1 ? "female" : s == 2 ? "male" : ""; }

}  // namespace

Comparer::Comparer(const Features& features, const Settings& settings)
    : f_(features), close_(settings.close_similarity), medium_(settings.medium_similarity) {}

// Close: alike by Jaro-Winkler and at most two edits apart (Jaro-Winkler
// alone rewards the shared beginnings of Central Asian names too much:
// Rakhimov / Rakhimzoda, Nurbek / Nurlan). Medium: alike by Jaro-Winkler.
int Comparer::WordLevel(const std::string& p, const std::string& q) const {
  double jw = JaroWinkler(p, q);
  if (jw >= close_ && EditDistance(p, q, 2) <= 2) return kClose;
  if (jw >= medium_) return kMedium;
  return kFar;
}

int Comparer::TokenLevel(const Token& x, const Token& y) const {
  if (x.key == y.key || (x.alt && (x.alt == y.key || x.alt == y.alt)) ||
      (y.alt && y.alt == x.key)) {
    // A father's name is not a given name: "Морозов Михаил" and "Морозов
    // Юрий Михаилович" are father and son, not one person twice.
    if (x.father != y.father && !x.initial && !y.initial) return kFar;
    return x.initial == y.initial ? (x.initial ? kInitial : kExact) : kInitial;
  }
  if (x.initial || y.initial) {
    const std::string& kx = f_.strings.Get(x.key);
    const std::string& ky = f_.strings.Get(y.key);
    char ax = x.alt ? f_.strings.Get(x.alt)[0] : 0;
    char ay = y.alt ? f_.strings.Get(y.alt)[0] : 0;
    bool agree = kx[0] == ky[0] || (ax && ax == ky[0]) || (ay && ay == kx[0]) || (ax && ax == ay);
    return agree ? kInitial : kFar;
  }
  int best = WordLevel(f_.strings.Get(x.key), f_.strings.Get(y.key));
  if (x.alt || y.alt) {
    best = std::min(best, WordLevel(f_.strings.Get(x.alt ? x.alt : x.key),
                                    f_.strings.Get(y.alt ? y.alt : y.key)));
  }
  return best;
}

Comparer::NameLevel Comparer::CompareNames(uint32_t a, uint32_t b, bool describe) const {
  const auto& ta = f_.tokens[a];
  const auto& tb = f_.tokens[b];
  const int na = f_.token_count[a], nb = f_.token_count[b];
  // Pairs (level, i, j). Exact agreements first: a token's key is unique
  // within its record, so pairing exact matches is always optimal.
  struct Match {
    int level, i, j;
  };
  Match matches[2 * kMaxTokens];
  int m = 0;
  unsigned used_a = 0, used_b = 0;
  for (int i = 0; i < na; ++i) {
    if (ta[i].initial) continue;
    for (int j = 0; j < nb; ++j) {
      if ((used_b >> j) & 1 || tb[j].initial) continue;
      const Token& x = ta[i];
      const Token& y = tb[j];
      if (x.father != y.father) continue;
      if (x.key == y.key || (x.alt && (x.alt == y.key || x.alt == y.alt)) ||
          (y.alt && y.alt == x.key)) {
        matches[m++] = {kExact, i, j};
        used_a |= 1u << i;
        used_b |= 1u << j;
        break;
      }
    }
  }
  // The rest: the assignment with the best levels, by brute force (at most
  // four tokens a side).
  int ra[kMaxTokens], rb[kMaxTokens], nra = 0, nrb = 0;
  for (int i = 0; i < na; ++i)
    if (!((used_a >> i) & 1)) ra[nra++] = i;
  for (int j = 0; j < nb; ++j)
    if (!((used_b >> j) & 1)) rb[nrb++] = j;
  if (nra > 0 && nrb > 0) {
    int level[kMaxTokens][kMaxTokens];
    for (int x = 0; x < nra; ++x) {
      for (int y = 0; y < nrb; ++y) level[x][y] = TokenLevel(ta[ra[x]], tb[rb[y]]);
    }
    // Score: better levels first (6 - level), summed; recursion over ra.
    int best_score = -1;
    int best_assign[kMaxTokens] = {-1, -1, -1, -1};
    int assign[kMaxTokens];
    auto rec = [&](auto&& self, int x, unsigned taken, int score) -> void {
      if (x == nra) {
        if (score > best_score) {
          best_score = score;
          std::copy(assign, assign + nra, best_assign);
        }
        return;
      }
      assign[x] = -1;
      self(self, x + 1, taken, score);
      for (int y = 0; y < nrb; ++y) {
        if ((taken >> y) & 1) continue;
        assign[x] = y;
        // Squared so that one good pair beats two poor ones.
        int v = 6 - level[x][y];
        self(self, x + 1, taken | (1u << y), score + v * v);
      }
    };
    rec(rec, 0, 0, 0);
    for (int x = 0; x < nra; ++x) {
      if (best_assign[x] >= 0) matches[m++] = {level[x][best_assign[x]], ra[x], rb[best_assign[x]]};
    }
  }
  // Best level first (insertion sort: at most four matches).
  for (int x = 1; x < m; ++x) {
    for (int y = x; y > 0 && matches[y].level < matches[y - 1].level; --y) {
      std::swap(matches[y], matches[y - 1]);
    }
  }
  NameLevel out;
  if (na == 0 || nb == 0 || m == 0) return out;  // a record without a name: missing
  // One level for the whole name: the agreement of each token pair taken
  // together, since "surname the same" and "given name the same" are far
  // from independent once the tokens are aligned for the best agreement.
  int count[6] = {0, 0, 0, 0, 0, 0};
  for (int i = 0; i < m; ++i) {
    ++count[matches[i].level];
    if (matches[i].level == kExact) {
      out.tf += f_.tf_name[ta[matches[i].i].key];
      out.exact_keys[out.exact++] = ta[matches[i].i].key;
    }
  }
  const int agree = count[kExact] + count[kClose];
  if (agree > 0) {
    if (count[kFar])
      out.level = kNameConflict;
    else if (count[kMedium])
      out.level = kNamePartial;
    else if (count[kInitial])
      out.level = kNameInitial;
    else if (m == 1)
      out.level = kNameSingle;
    else
      out.level = count[kClose] ? kNameClose : kNameExact;
  } else {
    out.level = count[kMedium] || count[kInitial] ? kNameWeak : kNameFar;
  }
  // Whole names that agree: how common the whole name is, not each word
  // (surnames and given names go together by people and family).
  if (out.level == kNameExact && f_.full_name[a] && f_.full_name[a] == f_.full_name[b]) {
    out.tf = f_.tf_full_name[f_.full_name[a]];
  }
  if (describe) {
    auto text = [&](uint32_t r, int t) {
      const Token& token = f_.tokens[r][t];
      std::string word = f_.strings.Get(token.text);
      if (token.initial) word = word.substr(0, 1) + ".";
      return token.father ? "(father) " + word : word;
    };
    for (int i = 0; i < m; ++i) {
      out.left += (i ? ", " : "") + text(a, matches[i].i);
      out.right += (i ? ", " : "") + text(b, matches[i].j);
    }
  }
  return out;
}

int Comparer::StringLevel(uint32_t x, uint32_t y, bool with_medium) const {
  if (x == y) return 1;
  const std::string& sx = f_.strings.Get(x);
  const std::string& sy = f_.strings.Get(y);
  if (!with_medium) {
    // Exact, close (one typo, or very alike), far.
    if ((std::min(sx.size(), sy.size()) >= 3 && EditDistance(sx, sy, 1) <= 1) ||
        JaroWinkler(sx, sy) >= close_) {
      return 2;
    }
    return 3;
  }
  double jw = JaroWinkler(sx, sy);
  if (jw >= close_) return 2;
  if (jw >= medium_) return 3;
  return 4;
}

int Comparer::FieldLevel(const FieldSpec& field, uint32_t a, uint32_t b, const NameLevel& name,
                         float& tf) const {
  switch (field.kind) {
    case FieldKind::kName:
      return 0;  // CompareNames
    case FieldKind::kBirth: {
      if (f_.year_lo[a] == 0 && f_.birth_digits[a] == 0) return 0;
      if (f_.year_lo[b] == 0 && f_.birth_digits[b] == 0) return 0;
      bool full_a = f_.birth_date[a] || f_.birth_digits[a];
      bool full_b = f_.birth_date[b] || f_.birth_digits[b];
      if (full_a && full_b) {
        if (f_.birth_date[a] && f_.birth_date[a] == f_.birth_date[b]) {
          auto it = f_.tf_date.find(f_.birth_date[a]);
          if (it != f_.tf_date.end()) tf += it->second;
          return 1;
        }
        std::string da = DateDigits(f_, a), db = DateDigits(f_, b);
        if (da == db) return 1;
        if (da.size() == 8 && db.size() == 8) {
          bool swapped = da.compare(0, 4, db, 0, 4) == 0 && da.compare(4, 2, db, 6, 2) == 0 &&
                         da.compare(6, 2, db, 4, 2) == 0;
          if (swapped || EditDistance(da, db, 1) <= 1) return 2;
        }
      }
      int lo_a = f_.year_lo[a], hi_a = f_.year_hi[a], lo_b = f_.year_lo[b], hi_b = f_.year_hi[b];
      if (lo_a == 0 || lo_b == 0) return 5;
      if (lo_a <= hi_b && lo_b <= hi_a) return 3;
      int gap = lo_a > hi_b ? lo_a - hi_b : lo_b - hi_a;
      return gap <= 1 ? 4 : 5;
    }
    case FieldKind::kSex: {
      uint8_t sa = f_.sex[a], sb = f_.sex[b];
      if (!sa || !sb) return 0;
      // Names that agree already say the sex is the same: no news.
      if (sa == sb && (name.level == kNameExact || name.level == kNameClose)) return 0;
      return sa == sb ? 1 : 2;
    }
    case FieldKind::kPlace: {
      uint32_t pa = f_.place[a], pb = f_.place[b];
      if (!pa || !pb) return 0;
      int na = f_.place_node[a], nb = f_.place_node[b];
      if (na >= 0 && nb >= 0) {
        switch (f_.gazetteer.Relate(na, nb)) {
          case PlaceRelation::kSame:
            tf += f_.tf_place[pa];
            return 1;
          case PlaceRelation::kWithin:
            return 2;
          case PlaceRelation::kSameDistrict:
            return 4;
          case PlaceRelation::kSameOblast:
            return 5;
          case PlaceRelation::kFar:
            return 6;
        }
      }
      if (pa == pb) {
        tf += f_.tf_place[pa];
        return 1;
      }
      return JaroWinkler(f_.strings.Get(pa), f_.strings.Get(pb)) >= close_ ? 3 : 6;
    }
    case FieldKind::kAddress: {
      uint32_t x = f_.address[a], y = f_.address[b];
      if (!x || !y) return 0;
      return StringLevel(x, y, true);
    }
    case FieldKind::kDocument: {
      uint32_t x = f_.document[a], y = f_.document[b];
      if (!x || !y) return 0;
      if (x == y) return 1;
      return EditDistance(f_.strings.Get(x), f_.strings.Get(y), 1) <= 1 ? 2 : 3;
    }
    case FieldKind::kOther: {
      uint32_t x = f_.other_value(a, field.other_index), y = f_.other_value(b, field.other_index);
      if (!x || !y) return 0;
      return StringLevel(x, y, false);
    }
  }
  return 0;
}

uint64_t Comparer::Compare(uint32_t a, uint32_t b, float& tf) const {
  tf = 0;
  uint64_t pattern = 0;
  const NameLevel name = CompareNames(a, b, false);
  for (size_t k = 0; k < f_.fields.size(); ++k) {
    const FieldSpec& field = f_.fields[k];
    int level;
    if (field.kind == FieldKind::kName) {
      level = name.level;
      tf += name.tf;
    } else {
      level = FieldLevel(field, a, b, name, tf);
    }
    pattern |= static_cast<uint64_t>(level) << (4 * k);
  }
  return pattern;
}

std::vector<FieldDetail> Comparer::Describe(uint32_t a, uint32_t b) const {
  std::vector<FieldDetail> out(f_.fields.size());
  const NameLevel name_level = CompareNames(a, b, false);
  for (size_t k = 0; k < f_.fields.size(); ++k) {
    const FieldSpec& field = f_.fields[k];
    FieldDetail& d = out[k];
    switch (field.kind) {
      case FieldKind::kName: {
        NameLevel name = CompareNames(a, b, true);
        d.level = name.level;
        d.tf = name.tf;
        d.left = std::move(name.left);
        d.right = std::move(name.right);
        continue;
      }
      case FieldKind::kBirth:
        d.left = DateText(f_, a);
        d.right = DateText(f_, b);
        break;
      case FieldKind::kSex:
        d.left = SexText(f_.sex[a]);
        d.right = SexText(f_.sex[b]);
        break;
      case FieldKind::kPlace: {
        auto text = [&](uint32_t r) -> std::string {
          std::string text = f_.strings.Get(f_.place_text[r]);
          if (f_.place_node[r] >= 0) text += " (" + f_.gazetteer.id(f_.place_node[r]) + ")";
          return text;
        };
        d.left = text(a);
        d.right = text(b);
        break;
      }
      case FieldKind::kAddress:
        d.left = f_.strings.Get(f_.address_text[a]);
        d.right = f_.strings.Get(f_.address_text[b]);
        break;
      case FieldKind::kDocument:
        d.left = f_.strings.Get(f_.document[a]);
        d.right = f_.strings.Get(f_.document[b]);
        break;
      case FieldKind::kOther:
        d.left = f_.strings.Get(f_.other_value(a, field.other_index));
        d.right = f_.strings.Get(f_.other_value(b, field.other_index));
        break;
    }
    d.level = FieldLevel(field, a, b, name_level, d.tf);
  }
  return out;
}

}  // namespace kuzot::linkage
