#include "tabular/tabular.h"

#include <gtest/gtest.h>
#include <unicode/ucnv.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace kuzot::tabular {
namespace {

std::string Encode(const std::string& utf8, const char* encoding) {
  UErrorCode status = U_ZERO_ERROR;
  std::string out(utf8.size() * 4 + 8, '\0');
  int32_t n = ucnv_convert(encoding, "UTF-8", out.data(), static_cast<int32_t>(out.size()),
                           utf8.data(), static_cast<int32_t>(utf8.size()), &status);
  EXPECT_TRUE(U_SUCCESS(status)) << u_errorName(status);
  out.resize(n);
  return out;
}

Table MustRead(std::string_view bytes, const ReadOptions& options = {}) {
  auto t = ReadCsv(bytes, "list.csv", options);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? t.value() : Table{};
}

std::string ErrorOf(std::string_view bytes, const ReadOptions& options = {}) {
  auto t = ReadCsv(bytes, "list.csv", options);
  EXPECT_FALSE(t.ok());
  return t.ok() ? "" : t.status().message();
}

TEST(CsvTest, QuotingLineBreaksAndRowNumbers) {
  Table t = MustRead(
      "id,name,note\r\n"
      "1,\"Abdykadyrova, Aizada\",\"said \"\"she saw it\"\"\"\r\n"
      "2,Бакыт кызы Айгерим,\"two\nlines\"\r\n"
      "\r\n"
      "3,  Osmonov Bakyt  ,\r\n");
  ASSERT_EQ(t.header, (std::vector<std::string>{"id", "name", "note"}));
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[0][1], "Abdykadyrova, Aizada");
  EXPECT_EQ(t.rows[0][2], "said \"she saw it\"");
  EXPECT_EQ(t.rows[1][1], "Бакыт кызы Айгерим");
  EXPECT_EQ(t.rows[1][2], "two\nlines");
  EXPECT_EQ(t.rows[2][1], "Osmonov Bakyt");  // unquoted values are trimmed
  // Spreadsheet row numbers: the header is row 1, the blank line counts.
  EXPECT_EQ(t.row_numbers, (std::vector<int64_t>{2, 3, 5}));
  EXPECT_EQ(t.encoding, "UTF-8");
  EXPECT_EQ(t.Column(" NAME "), 1u);
  EXPECT_FALSE(t.Column("age"));
  EXPECT_EQ(t.Where(2, 1), "list.csv, row 5, column \"name\"");
}

TEST(CsvTest, DelimitersAreFoundFromTheHeader) {
  Table semicolon = MustRead("фамилия;имя;возраст\nОсмонов;Бакыт;34\n");
  ASSERT_EQ(semicolon.header.size(), 3u);
  EXPECT_EQ(semicolon.rows[0][2], "34");
  Table tab = MustRead("a\tb\n1\t\n");
  ASSERT_EQ(tab.header.size(), 2u);
  EXPECT_EQ(tab.rows[0][1], "");
  Table one = MustRead("name\nAizada\n");
  EXPECT_EQ(one.header.size(), 1u);
  Table forced = MustRead("a,b|c\n1,2|3\n", ReadOptions{.delimiter = '|'});
  EXPECT_EQ(forced.header, (std::vector<std::string>{"a,b", "c"}));
}

TEST(CsvTest, EncodingsAreDetected) {
  std::string text =
      "Фамилия,Имя,Отчество,Место\n"
      "Абдыкадырова,Айзада,Бакытовна,село Кок-Таш\n"
      "Мамытов,Нурлан,Асанович,город Баткен\n"
      "Сыдыков,Эрлан,Маратович,Лейлекский район\n";
  for (const char* encoding : {"windows-1251", "KOI8-R"}) {
    Table t = MustRead(Encode(text, encoding));
    EXPECT_EQ(t.encoding, encoding);
    ASSERT_EQ(t.rows.size(), 3u) << encoding;
    EXPECT_EQ(t.rows[0][0], "Абдыкадырова") << encoding;
  }
  Table utf16 = MustRead("\xFF\xFE" + Encode(text, "UTF-16LE"));
  EXPECT_EQ(utf16.encoding, "UTF-16LE");
  EXPECT_EQ(utf16.rows[1][3], "город Баткен");
  Table bom = MustRead("\xEF\xBB\xBF" + text);
  EXPECT_EQ(bom.header[0], "Фамилия");
  Table named = MustRead(Encode(text, "IBM866"), ReadOptions{.encoding = "IBM866"});
  EXPECT_EQ(named.rows[2][1], "Эрлан");
}

TEST(CsvTest, UnreadableBytesAreRefusedClearly) {
  std::string binary;
  for (int i = 0; i < 512; ++i) binary.push_back(static_cast<char>((i * 37 + 11) % 256));
  std::string message = ErrorOf(binary);
  EXPECT_NE(message.find("list.csv"), std::string::npos) << message;
  EXPECT_TRUE(message.find("encoding") != std::string::npos ||
              message.find("not look like a text table") != std::string::npos)
      << message;
  std::string bad_utf8 = ErrorOf("name\nA\xC3\x28\n", ReadOptions{.encoding = "UTF-8"});
  EXPECT_NE(bad_utf8.find("not valid UTF-8"), std::string::npos) << bad_utf8;
  std::string unknown = ErrorOf("name\nA\n", ReadOptions{.encoding = "no-such-encoding"});
  EXPECT_NE(unknown.find("unknown encoding"), std::string::npos) << unknown;
}

TEST(CsvTest, RaggedRowsNameTheRow) {
  std::string shorter = ErrorOf("id,name,age\n1,A,3\n2,B\n");
  EXPECT_NE(shorter.find("list.csv, row 3: has 2 cells, the header has 3"), std::string::npos)
      << shorter;
  EXPECT_NE(shorter.find("\"age\""), std::string::npos) << shorter;
  std::string longer = ErrorOf("id,name\n1,A\n2,B,extra\n");
  EXPECT_NE(longer.find("row 3: has 3 cells"), std::string::npos) << longer;
  // Excel's trailing separators and padding on request are fine.
  EXPECT_EQ(MustRead("id,name\n1,A,,\n").rows[0].size(), 2u);
  Table padded = MustRead("id,name,age\n2,B\n", ReadOptions{.pad_short_rows = true});
  EXPECT_EQ(padded.rows[0], (std::vector<std::string>{"2", "B", ""}));
}

TEST(CsvTest, MalformedStructureIsRefused) {
  std::string quote = ErrorOf("id,name\n1,\"A\"B\n");
  EXPECT_NE(quote.find("row 2"), std::string::npos) << quote;
  EXPECT_NE(quote.find("quote"), std::string::npos) << quote;
  std::string open = ErrorOf("id,name\n1,\"never closed\n");
  EXPECT_NE(open.find("quote"), std::string::npos) << open;
  std::string empty_header = ErrorOf("id,,age\n1,2,3\n");
  EXPECT_NE(empty_header.find("row 1, column 2"), std::string::npos) << empty_header;
  std::string twice = ErrorOf("id,Name,name\n1,2,3\n");
  EXPECT_NE(twice.find("appears twice"), std::string::npos) << twice;
  EXPECT_NE(ErrorOf("").find("is empty"), std::string::npos);
  EXPECT_NE(ErrorOf("\n\n\r\n").find("is empty"), std::string::npos);
  EXPECT_EQ(MustRead("id,name\n").rows.size(), 0u);
}

TEST(CsvTest, FebrlFilesRead) {
  auto t = ReadFile(std::string(KUZOT_SHARED_DIR) + "/data/linkage/febrl1.csv");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->header.size(), 11u);
  EXPECT_EQ(t->header[1], "given_name");
  EXPECT_EQ(t->rows.size(), 1000u);
  EXPECT_EQ(t->rows[0][0], "rec-223-org");
  EXPECT_EQ(t->rows[0][1], "");
  EXPECT_EQ(t->rows[0][2], "waller");
}

TEST(CsvWriterTest, RoundTripsAndNeutralizesFormulas) {
  std::vector<std::string> header = {"id", "name", "note", "score"};
  std::vector<std::vector<std::string>> rows = {
      {"1", "Абдыкадырова, Айзада", "said \"no\"\nthen left", "-1.5"},
      {"2", "=HYPERLINK(\"http://x\")", " padded ", "0.97"},
      {"3", "@SUM(A1)", "", "-"}};
  std::ostringstream out;
  WriteCsv(out, header, rows, CsvWriteOptions{.excel_bom = true});
  std::string csv = out.str();
  EXPECT_EQ(csv.rfind("\xEF\xBB\xBF", 0), 0u);
  Table back = MustRead(csv);
  ASSERT_EQ(back.rows.size(), 3u);
  EXPECT_EQ(back.rows[0], rows[0]);  // numbers like -1.5 are left alone
  EXPECT_EQ(back.rows[1][1], "'=HYPERLINK(\"http://x\")");
  EXPECT_EQ(back.rows[1][2], " padded ");
  EXPECT_EQ(back.rows[2][1], "'@SUM(A1)");
  EXPECT_EQ(back.rows[2][3], "'-");
}

TEST(XlsxTest, RoundTripsTextNumbersAndSheets) {
  std::vector<Sheet> sheets = {
      {"Victims / list",
       {"id", "name", "age", "phone"},
       {{"1", "Абдыкадырова Айзада", "12", "0550123456"}, {"2", "Osmonov Bakyt", "34.5", ""}}},
      {"Second", {"x"}, {{"y"}}}};
  auto bytes = XlsxBytes(sheets);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  auto t = ReadXlsx(*bytes, "list.xlsx");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->header, sheets[0].header);
  ASSERT_EQ(t->rows.size(), 2u);
  EXPECT_EQ(t->rows[0], sheets[0].rows[0]);  // the phone number keeps its zero
  EXPECT_EQ(t->rows[1], (std::vector<std::string>{"2", "Osmonov Bakyt", "34.5", ""}));
  EXPECT_EQ(t->row_numbers, (std::vector<int64_t>{2, 3}));
  auto second = ReadXlsx(*bytes, "list.xlsx", ReadOptions{.sheet = "Second"});
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->rows[0][0], "y");
  auto missing = ReadXlsx(*bytes, "list.xlsx", ReadOptions{.sheet = "Third"});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("has no sheet \"Third\""), std::string::npos);
  EXPECT_NE(missing.status().message().find("\"Second\""), std::string::npos);
}

TEST(XlsxTest, DatesBooleansAndGaps) {
  std::string path = ::testing::TempDir() + "/dates.xlsx";
  lxw_workbook* wb = workbook_new(path.c_str());
  lxw_worksheet* ws = workbook_add_worksheet(wb, nullptr);
  lxw_format* date = workbook_add_format(wb);
  format_set_num_format(date, "dd.mm.yyyy");
  worksheet_write_string(ws, 0, 0, "name", nullptr);
  worksheet_write_string(ws, 0, 1, "born", nullptr);
  worksheet_write_string(ws, 0, 2, "alive", nullptr);
  worksheet_write_string(ws, 0, 3, "note", nullptr);
  worksheet_write_string(ws, 1, 0, "Айзада", nullptr);
  lxw_datetime born = {2009, 3, 14, 0, 0, 0};
  worksheet_write_datetime(ws, 1, 1, &born, date);
  worksheet_write_boolean(ws, 1, 2, 0, nullptr);
  // Row 3 is left empty; row 4 has only its first cell.
  worksheet_write_string(ws, 3, 0, "Bakyt", nullptr);
  ASSERT_EQ(workbook_close(wb), LXW_NO_ERROR);
  auto t = ReadFile(path);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->encoding, "xlsx");
  ASSERT_EQ(t->rows.size(), 2u);
  EXPECT_EQ(t->rows[0], (std::vector<std::string>{"Айзада", "2009-03-14", "FALSE", ""}));
  EXPECT_EQ(t->rows[1], (std::vector<std::string>{"Bakyt", "", "", ""}));
  EXPECT_EQ(t->row_numbers, (std::vector<int64_t>{2, 4}));
}

TEST(XlsxTest, DamagedWorkbooksAreRefused) {
  auto garbage = ReadXlsx("PK\x03\x04 this is not a zip", "broken.xlsx");
  ASSERT_FALSE(garbage.ok());
  EXPECT_NE(garbage.status().message().find("broken.xlsx"), std::string::npos);
  EXPECT_EQ(garbage.status().code(), StatusCode::kInvalidArgument);
  auto too_big = ReadXlsx(std::string(2048, 'x'), "big.xlsx", ReadOptions{.max_bytes = 1024});
  EXPECT_EQ(too_big.status().code(), StatusCode::kTooLarge);
  auto missing = ReadFile("/nonexistent/list.csv");
  EXPECT_NE(missing.status().message().find("cannot be opened"), std::string::npos);
}

}  // namespace
}  // namespace kuzot::tabular
