// Build-time tool (issue 14.8): writes a desubroutinised subset of one face of Noto Sans
// CJK (the SC face of the Debian .ttc) holding GB 2312, ASCII, Latin-1 and the
// punctuation and symbols the documents print. cairo copies and subsets a few hundred
// kilobytes per document instead of the full font's 16 MB CFF table, and a subset
// without subroutines never meets cairo 1.16's CFF subroutine bug (docs/benchmarks.md).
// Characters outside the subset fall back to the full font (printing/fonts.cpp).
//   make_font_subset FONT.ttc FACE_INDEX OUT.otf
// Uses libharfbuzz-subset0 (libharfbuzz-dev); run by printing/CMakeLists.txt, never at run time.
#include <hb-subset.h>
#include <hb.h>
#include <iconv.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

namespace {

template <auto Free>
struct Deleter {
  template <typename T>
  void operator()(T* p) const { Free(p); }
};

// Every character of GB 2312 (rows 0xA1–0xF7, cells 0xA1–0xFE, EUC-CN), through glibc's iconv.
bool add_gb2312(hb_set_t* set) {
  iconv_t cd = iconv_open("UTF-32LE", "GB2312");
  if (cd == reinterpret_cast<iconv_t>(-1)) return false;
  for (unsigned row = 0xA1; row <= 0xF7; ++row)
    for (unsigned cell = 0xA1; cell <= 0xFE; ++cell) {
      char in[2] = {static_cast<char>(row), static_cast<char>(cell)};
      unsigned char out[4] = {};
      char* ip = in;
      char* op = reinterpret_cast<char*>(out);
      std::size_t il = 2, ol = 4;
      if (iconv(cd, &ip, &il, &op, &ol) == static_cast<std::size_t>(-1)) continue;  // an unassigned cell
      hb_set_add(set, out[0] | out[1] << 8 | out[2] << 16 | static_cast<std::uint32_t>(out[3]) << 24);
    }
  iconv_close(cd);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: make_font_subset FONT FACE_INDEX OUT\n");
    return 2;
  }
  std::unique_ptr<hb_blob_t, Deleter<hb_blob_destroy>> blob(hb_blob_create_from_file_or_fail(argv[1]));
  if (!blob) {
    std::fprintf(stderr, "make_font_subset: cannot read %s\n", argv[1]);
    return 1;
  }
  std::unique_ptr<hb_face_t, Deleter<hb_face_destroy>> face(
      hb_face_create(blob.get(), static_cast<unsigned>(std::atoi(argv[2]))));
  std::unique_ptr<hb_subset_input_t, Deleter<hb_subset_input_destroy>> input(hb_subset_input_create_or_fail());
  if (!input) return 1;
  hb_set_t* unicodes = hb_subset_input_unicode_set(input.get());
  if (!add_gb2312(unicodes)) {
    std::fprintf(stderr, "make_font_subset: iconv has no GB2312\n");
    return 1;
  }
  const std::pair<hb_codepoint_t, hb_codepoint_t> ranges[] = {
      {0x0020, 0x007E},  // ASCII
      {0x00A0, 0x024F},  // Latin-1, Latin Extended-A/B (names in pinyin with tones, ×, ·, ¥)
      {0x02B0, 0x02FF},  // spacing modifiers
      {0x0391, 0x03C9},  // Greek
      {0x0401, 0x0451},  // Cyrillic
      {0x2000, 0x206F},  // general punctuation (— ‘’ “” … ‰)
      {0x20A0, 0x20CF},  // currency symbols
      {0x2100, 0x218F},  // letterlike, number forms (№ ℃ Ⅰ)
      {0x2190, 0x21FF},  // arrows
      {0x2200, 0x22FF},  // mathematical operators
      {0x2460, 0x24FF},  // enclosed alphanumerics (①)
      {0x2500, 0x25FF},  // box drawing, blocks, shapes (■ □ ○ ●)
      {0x2600, 0x26FF},  // ☐ ☑ ★
      {0x2700, 0x27BF},  // ✓ ✔
      {0x3000, 0x303F},  // CJK symbols and punctuation (、。「」【】)
      {0x3040, 0x30FF},  // kana (in GB 2312 anyway)
      {0x3200, 0x33FF},  // enclosed CJK, CJK compatibility (㈠ ㎡)
      {0xFE30, 0xFE4F},  // CJK compatibility forms
      {0xFF00, 0xFFEF},  // full-width forms (（），：￥)
  };
  for (const auto& [first, last] : ranges) hb_set_add_range(unicodes, first, last);
  // Desubroutinised: the glyphs are self-contained, so cairo's own subsetter copies
  // them without walking subroutines. Hinting is dropped (PDF output is unhinted).
  hb_subset_input_set_flags(input.get(), HB_SUBSET_FLAGS_DESUBROUTINIZE | HB_SUBSET_FLAGS_NO_HINTING);
  std::unique_ptr<hb_face_t, Deleter<hb_face_destroy>> subset(hb_subset_or_fail(face.get(), input.get()));
  if (!subset) {
    std::fprintf(stderr, "make_font_subset: subsetting %s failed\n", argv[1]);
    return 1;
  }
  std::unique_ptr<hb_blob_t, Deleter<hb_blob_destroy>> out(hb_face_reference_blob(subset.get()));
  unsigned length = 0;
  const char* data = hb_blob_get_data(out.get(), &length);
  const std::string tmp = std::string(argv[3]) + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f || std::fwrite(data, 1, length, f) != length || std::fclose(f) != 0 || std::rename(tmp.c_str(), argv[3]) != 0) {
    std::fprintf(stderr, "make_font_subset: cannot write %s\n", argv[3]);
    return 1;
  }
  return 0;
}
