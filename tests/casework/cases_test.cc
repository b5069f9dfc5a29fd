// Cases, consultations and the deadlines view.
#include "fixture.h"

namespace kuzot::casework {
namespace {

TEST_F(CaseworkTest, CaseValidationNamesTheField) {
  std::string client = Id("person", {{"names", {{{"value", "Тургунов Азамат"}}}}});
  struct Bad {
    Json body;
    std::string field;
  };
  std::vector<Bad> cases = {
      {Json::object(), "title"},
      {{{"title", "x"}}, "case_type"},
      {{{"title", "x"}, {"case_type", "murder"}}, "case_type"},
      {{{"title", "x"},
        {"case_type", "rehabilitation"},
        {"clients", {{{"person_id", client}, {"representation_basis", "deceased_client"}}}}},
       "clients[0].representative_person_id"},
      {{{"title", "x"},
        {"case_type", "rehabilitation"},
        {"clients", {{{"person_id", client}, {"representative_person_id", client}}}}},
       "clients[0].representative_person_id"},
      {{{"title", "x"},
        {"case_type", "civil"},
        {"deadlines", {{{"kind", "appeal"}, {"due_date", "2021-05"}}}}},
       "deadlines[0].due_date"},
      {{{"title", "x"}, {"case_type", "civil"}, {"deadlines", {{{"due_date", "2021-05-01"}}}}},
       "deadlines[0].kind"},
      {{{"title", "x"}, {"case_type", "civil"}, {"hearings", {{{"next_step", "wait"}}}}},
       "hearings[0].date"},
      {{{"title", "x"},
        {"case_type", "civil"},
        {"decisions", {{{"date", "2016-05"}, {"outcome", "won"}}}}},
       "decisions[0].outcome"},
      {{{"title", "x"}, {"case_type", "civil"}, {"remedies", {{{"kind", "compensation"}}}}},
       "remedies[0].status"},
      {{{"title", "x"}, {"case_type", "civil"}, {"opposing_parties", {{{"role", "investigator"}}}}},
       "opposing_parties[0].organization_id"},
      {{{"title", "x"}, {"case_type", "civil"}, {"opened_date", "2021"}, {"closed_date", "2020"}},
       "closed_date"},
      {{{"title", "x"},
        {"case_type", "civil"},
        {"proceedings", {{{"stage", "appeal"}, {"court_id", client}}}}},
       "proceedings[0].court_id"},
  };
  for (const auto& c : cases) {
    Status s = Refused("case", c.body);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << c.body.dump();
    EXPECT_EQ(s.field(), c.field) << c.body.dump() << " -> " << s.ToString();
  }
  EXPECT_EQ(records_->CountRecords("case").value(), 0);
}

TEST_F(CaseworkTest, CaseStatusIsTheLatestEntryOfItsDatedLog) {
  Json c = Create("case", {{"title", "Askarov"},
                           {"case_type", "strategic_litigation"},
                           {"status_log",
                            {{{"date", "2016-05"}, {"status", "awaiting_implementation"}},
                             {{"date", "2010-06-15"}, {"status", "active"}}}}});
  EXPECT_EQ(c["status"], "awaiting_implementation");
  EXPECT_EQ(c["status_log"][0]["date"], "2010-06-15") << "the log is kept in date order";
  std::string id = c["id"];
  // Setting the status adds a dated entry; the history keeps every change.
  auto closed = records_->Patch(lawyer_, "case", id, {{"status", "closed"}});
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();
  EXPECT_EQ(closed.value()["status"], "closed");
  ASSERT_EQ(closed.value()["status_log"].size(), 3u);
  EXPECT_EQ(closed.value()["status_log"][2]["status"], "closed");
  // Sending the record back unchanged changes nothing.
  auto same = records_->Replace(lawyer_, "case", id, closed.value());
  ASSERT_TRUE(same.ok()) << same.status().ToString();
  EXPECT_EQ(same.value()["status_log"].size(), 3u);
  auto history = records_->History(lawyer_, "case", id);
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history.value()["revisions"].size(), 3u);
}

TEST_F(CaseworkTest, CodeListsAreCheckedAndFilterable) {
  Status twice = Refused("consultation", {{"problem_category", "housing"},
                                          {"vulnerable_groups", {"migrants", "migrants"}}});
  EXPECT_EQ(twice.field(), "vulnerable_groups[1]");
  Status unknown =
      Refused("consultation", {{"problem_category", "housing"}, {"vulnerable_groups", {"aliens"}}});
  EXPECT_EQ(unknown.field(), "vulnerable_groups[0]");
  Id("consultation", {{"problem_category", "housing"}, {"vulnerable_groups", {"migrants"}}});
  Id("consultation", {{"problem_category", "housing"}, {"vulnerable_groups", {"older_persons"}}});
  records::ListParams params;
  params.filters = {{"vulnerable_groups", "migrants"}};
  auto list = records_->List(lawyer_, "consultation", params);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ(list.value()["items"].size(), 1u);
}

TEST_F(CaseworkTest, ConsultationBecomesACaseInOneTransaction) {
  std::string lawyer = Id("person", {{"names", {{{"value", "Сатыбалдиев Эрмек"}}}}});
  Json consultation = Create("consultation", {{"client_name", "Мамырова Салтанат"},
                                              {"client_sex", "female"},
                                              {"client_contact", "+996 555 000 111"},
                                              {"problem_category", "torture_ill_treatment"},
                                              {"problem", "Her son was beaten at the station."},
                                              {"lawyer_id", lawyer},
                                              {"confidentiality", "restricted"}});
  EXPECT_EQ(consultation["status"], "open");
  EXPECT_EQ(consultation["date"].get<std::string>().size(), 10u) << "today by default";
  std::string id = consultation["id"];

  // A bad override leaves nothing behind: no person, no case, no link.
  auto bad = casework_->ConvertConsultation(lawyer_, id, {{"case_type", "murder"}});
  EXPECT_EQ(bad.status().field(), "case_type");
  EXPECT_EQ(records_->CountRecords("person").value(), 1);
  EXPECT_EQ(records_->CountRecords("case").value(), 0);

  auto converted =
      casework_->ConvertConsultation(lawyer_, id, {{"title", "Beating at the station"}});
  ASSERT_TRUE(converted.ok()) << converted.status().ToString();
  const Json& c = converted.value()["case"];
  EXPECT_EQ(c["title"], "Beating at the station");
  EXPECT_EQ(c["case_type"], "torture_complaint");
  EXPECT_EQ(c["consultation_id"], id);
  EXPECT_EQ(c["confidentiality"], "restricted");
  EXPECT_EQ(c["lawyer_ids"][0], lawyer);
  std::string person = converted.value()["person"]["id"];
  EXPECT_EQ(converted.value()["person"]["contact"], "+996 555 000 111");
  EXPECT_EQ(c["clients"][0]["person_id"], person);
  Json linked = records_->Get(lawyer_, "consultation", id).value();
  EXPECT_EQ(linked["case_id"], c["id"]);
  EXPECT_EQ(linked["person_id"], person);
  EXPECT_EQ(linked["status"], "converted_to_case");

  auto again = casework_->ConvertConsultation(lawyer_, id, Json::object());
  EXPECT_EQ(again.status().code(), StatusCode::kConflict);
  // The link is the server's: a client cannot write or remove it.
  EXPECT_EQ(records_->Patch(lawyer_, "consultation", id, {{"case_id", nullptr}}).status().field(),
            "case_id");
  EXPECT_EQ(records_->Patch(lawyer_, "consultation", id, {{"case_id", person}}).status().field(),
            "case_id");
  EXPECT_EQ(
      Refused("consultation", {{"problem_category", "housing"}, {"status", "converted_to_case"}})
          .field(),
      "status");
}

TEST_F(CaseworkTest, DeadlinesAcrossCasesSoonestFirst) {
  std::string mine = Id("person", {{"names", {{{"value", "Lawyer One"}}}}});
  std::string other = Id("person", {{"names", {{{"value", "Lawyer Two"}}}}});
  Json open_case = Create(
      "case", {{"title", "Open case"},
               {"case_type", "criminal_defence"},
               {"lawyer_ids", {mine}},
               {"deadlines",
                {{{"kind", "appeal"}, {"due_date", "2026-01-10"}},
                 {{"kind", "filing"}, {"due_date", "2025-12-20"}},
                 {{"kind", "filing"}, {"due_date", "2026-03-01"}},
                 {{"kind", "cassation"}, {"due_date", "2026-01-02"}, {"done", true}}}},
               {"hearings", {{{"date", "2026-01-05"}, {"next_step", "closing arguments"}}}}});
  Create("case", {{"title", "Closed case"},
                  {"case_type", "civil"},
                  {"status", "closed"},
                  {"deadlines", {{{"kind", "appeal"}, {"due_date", "2026-01-03"}}}}});
  Create("case", {{"title", "Other lawyer's case"},
                  {"case_type", "civil"},
                  {"lawyer_ids", {other}},
                  {"deadlines", {{{"kind", "response"}, {"due_date", "2026-01-04"}}}}});
  Create("consultation", {{"problem_category", "housing"},
                          {"date", "2025-12-01"},
                          {"follow_up_date", "2026-01-08"},
                          {"lawyer_id", mine}});
  std::string org = Id("organization", {{"name", "Ombudsman"}, {"kind", "state_body"}});
  Create("submission",
         {{"title", "Letter"},
          {"recipient_organization_id", org},
          {"follow_ups", {{{"action", "Ask for the reply"}, {"due_date", "2026-01-09"}}}}});

  DeadlineQuery q;
  q.as_of = "2026-01-01";
  q.days = 14;
  auto all = casework_->Deadlines(lawyer_, q);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  std::vector<std::string> got;
  for (const auto& item : all.value()["items"]) {
    got.push_back(item["date"].get<std::string>() + " " + item["kind"].get<std::string>());
  }
  EXPECT_EQ(got,
            (std::vector<std::string>{"2025-12-20 deadline", "2026-01-04 deadline",
                                      "2026-01-05 hearing", "2026-01-08 consultation_follow_up",
                                      "2026-01-09 submission_follow_up", "2026-01-10 deadline"}));
  EXPECT_EQ(all.value()["overdue"], 1);
  EXPECT_EQ(all.value()["items"][0]["days_left"], -12);
  EXPECT_EQ(all.value()["items"][0]["record"]["id"], open_case["id"]);

  q.include_overdue = false;
  q.lawyer_id = mine;
  auto mine_only = casework_->Deadlines(lawyer_, q);
  ASSERT_TRUE(mine_only.ok());
  got.clear();
  for (const auto& item : mine_only.value()["items"]) got.push_back(item["date"]);
  EXPECT_EQ(got, (std::vector<std::string>{"2026-01-05", "2026-01-08", "2026-01-10"}));

  q.as_of = "2026-02-30";
  EXPECT_EQ(casework_->Deadlines(lawyer_, q).status().field(), "as_of");
  q.as_of = "2026-01-01";
  q.days = -1;
  EXPECT_EQ(casework_->Deadlines(lawyer_, q).status().field(), "days");
}

TEST_F(CaseworkTest, ConsultationCountsRollUpTheGazetteer) {
  std::string kg =
      Id("place", {{"name", "Kyrgyzstan"}, {"level", "country"}, {"confidentiality", "public"}});
  std::string batken = Id("place", {{"name", "Batken oblast"},
                                    {"level", "oblast"},
                                    {"parent_id", kg},
                                    {"confidentiality", "public"}});
  std::string leilek = Id("place", {{"name", "Leilek district"},
                                    {"level", "district"},
                                    {"parent_id", batken},
                                    {"confidentiality", "public"}});
  std::string kulundu = Id("place", {{"name", "Kulundu"},
                                     {"level", "village"},
                                     {"parent_id", leilek},
                                     {"confidentiality", "public"}});
  std::string bishkek = Id(
      "place",
      {{"name", "Bishkek"}, {"level", "city"}, {"parent_id", kg}, {"confidentiality", "public"}});
  auto consult = [&](const std::string& date, const std::string& place, const std::string& category,
                     Json groups, const std::string& level) {
    Id("consultation", {{"date", date},
                        {"place_id", place},
                        {"problem_category", category},
                        {"vulnerable_groups", groups},
                        {"confidentiality", level}});
  };
  consult("2021-05-10", kulundu, "conflict_damage", {"conflict_affected", "large_families"},
          "internal");
  consult("2021-05-11", leilek, "conflict_damage", {"conflict_affected"}, "public");
  consult("2021-06-02", bishkek, "housing", {"older_persons"}, "public");
  consult("2020-12-31", kulundu, "housing", Json::array(), "public");  // before the period

  CountQuery q;
  q.from = "2021-01-01";
  q.to = "2021-12-31";
  auto counts = casework_->ConsultationCounts(lawyer_, q);
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  const Json& c = counts.value();
  EXPECT_EQ(c["total"], 3);
  EXPECT_EQ(c["by_category"][0]["code"], "conflict_damage");
  EXPECT_EQ(c["by_category"][0]["count"], 2);
  EXPECT_EQ(c["by_category"][0]["labels"]["ru"], "Ущерб от вооружённого конфликта");
  EXPECT_EQ(c["by_region"][0]["name"], "Batken oblast");
  EXPECT_EQ(c["by_region"][0]["count"], 2);
  EXPECT_EQ(c["by_region"][1]["name"], "Bishkek") << "a city under the country stays itself";
  EXPECT_EQ(c["by_group"][0]["code"], "conflict_affected");
  EXPECT_EQ(c["by_group"][0]["count"], 2);
  EXPECT_EQ(c["by_month"][0]["month"], "2021-05");

  q.region_level = "district";
  EXPECT_EQ(casework_->ConsultationCounts(lawyer_, q).value()["by_region"][0]["name"],
            "Leilek district");
  // A viewer counts only what a viewer may see.
  EXPECT_EQ(casework_->ConsultationCounts(viewer_, q).value()["total"], 2);
  q.region_level = "planet";
  EXPECT_EQ(casework_->ConsultationCounts(lawyer_, q).status().field(), "region_level");
  q.region_level = "oblast";
  q.to = "2020-01-01";
  EXPECT_EQ(casework_->ConsultationCounts(lawyer_, q).status().field(), "to");
}

TEST_F(CaseworkTest, MissionVisitsFallWithinItsDates) {
  std::string place = Id("place", {{"name", "Kök-Tash"}, {"level", "village"}});
  Status outside =
      Refused("mission", {{"title", "Mission"},
                          {"start_date", "2021-05-04"},
                          {"end_date", "2021-05-06"},
                          {"visits", {{{"place_id", place}, {"date", "2021-05-07"}}}}});
  EXPECT_EQ(outside.field(), "visits[0].date");
  EXPECT_EQ(
      Refused("mission", {{"title", "M"}, {"start_date", "2021-05-04"}, {"end_date", "2021-05-01"}})
          .field(),
      "end_date");
  Json ok = Create("mission", {{"title", "Mission"},
                               {"start_date", "2021-05-04"},
                               {"end_date", "2021-05-06"},
                               {"visits", {{{"place_id", place}, {"date", "2021-05-05"}}}}});
  EXPECT_EQ(ok["visits"][0]["place_id"], place);
}

}  // namespace
}  // namespace kuzot::casework
