// The casework record types: legal cases and consultations,
// recommendations and their implementation, statements and appeals,
// monitoring missions and submissions to authorities. Like every type they
// get confidentiality and sources appended in schema.cc; the rules that
// span fields are in casework_rules.cc.
#include "records/casework_rules.h"
#include "records/schema_fields.h"

namespace kuzot::records {
namespace {

using namespace fields;
using Writer = FieldSpec::Writer;

// A list of codes of `vocabulary` (themes, groups, SDGs), filterable with
// ?name=code (records whose list holds the code).
FieldSpec Codes(std::string name, std::string vocabulary, std::string description) {
  FieldSpec f = Make(std::move(name), FieldKind::kStringList, std::move(description));
  f.vocabulary = std::move(vocabulary);
  f.filterable = true;
  return f;
}
FieldSpec Required(FieldSpec f) {
  f.required = true;
  return f;
}
FieldSpec Derived(FieldSpec f) {
  f.written_by = Writer::kDerived;
  return f;
}
FieldSpec ObjectList(std::string name, std::string description, std::vector<FieldSpec> fields) {
  FieldSpec f = Make(std::move(name), FieldKind::kObjectList, std::move(description));
  f.fields = std::move(fields);
  return f;
}

// Every type a submission may include.
const std::vector<std::string> kAnyRecord = {
    "event",     "act",    "person",       "organization",
    "place",     "source", "claim",        "legal_qualification",
    "evidence",  "case",   "consultation", "recommendation",
    "statement", "mission"};

TypeSpec CaseType() {
  TypeSpec t{"case",
             "cases",
             "a legal case carried over years: clients, lawyers, court instances, hearings, "
             "deadlines, decisions and the remedies sought and obtained",
             {}};
  t.fields = {
      Searchable(
          Str("title", "short title, e.g. \"Askarov: review of the 2010 conviction\"", true)),
      Searchable(Filterable(Str("reference", "the organisation's own file number"))),
      Enum("case_type", "case_type",
           "criminal defence, victim representation, UN communication, ...", true),
      Text("summary", "what the case is about"),
      Date("opened_date", "when the organisation took the case"),
      Date("closed_date", "when it was closed"),
      ObjectList(
          "clients",
          "the people the organisation acts for; a representative acts when the client "
          "has died or is a child",
          {Ref("person_id", {"person"}, "the client", true),
           Enum("role", "client_role", "victim, accused, applicant, author, ..."),
           Ref("representative_person_id", {"person"},
               "who acts for the client: a parent, the relative of a client who died"),
           Enum("representation_basis", "representation_basis",
                "why a representative acts: the client died, is a child, ..."),
           Date("since", "since when the organisation acts for this client"), Str("note", "note")}),
      ObjectList("opposing_parties", "the other side: a state body, an official, a perpetrator",
                 {Ref("organization_id", {"organization"}, "an organization or state body"),
                  Ref("person_id", {"person"}, "a person"),
                  Searchable(Str("role", "their role, e.g. \"investigator\", \"respondent\"")),
                  Str("note", "note")}),
      Refs("lawyer_ids", {"person"}, "the lawyers working on the case"),
      Ref("supervising_lawyer_id", {"person"}, "the lawyer who supervises the case"),
      Ref("consultation_id", {"consultation"}, "the consultation the case grew out of"),
      Refs("act_ids", {"act"}, "the violations the case is about"),
      Refs("event_ids", {"event"}, "the events the case belongs to"),
      Refs("evidence_ids", {"evidence"}, "evidence files used in the case"),
      Refs("legal_qualification_ids", {"legal_qualification"},
           "articles and instruments invoked or charged"),
      ObjectList(
          "proceedings", "the case at each instance: investigation, courts, UN bodies",
          {Enum("stage", "proceeding_stage", "investigation, first instance, appeal, ...", true),
           Ref("court_id", {"organization"}, "the court, investigating body or UN body"),
           Searchable(Str("case_number", "its number at that instance")),
           Searchable(Str("judge", "the judge, investigator or rapporteur")),
           Date("start_date", "when it came before this instance"),
           Date("end_date", "when this instance finished"), Text("note", "note")}),
      ObjectList("hearings", "court hearings: when, where, what happened, what comes next",
                 {Required(Date("date", "the day of the hearing")),
                  Ref("court_id", {"organization"}, "the court"),
                  Enum("stage", "proceeding_stage", "the instance"),
                  Text("what_happened", "what happened"), Str("next_step", "what comes next"),
                  Date("next_date", "when the next hearing is set")}),
      ObjectList("deadlines", "appeal periods, filings and other dates not to miss",
                 {Enum("kind", "deadline_kind", "appeal, cassation, filing, ...", true),
                  Required(Date("due_date", "the last day (YYYY-MM-DD)")),
                  Str("description", "what must be done"),
                  Ref("responsible_person_id", {"person"}, "the lawyer responsible"),
                  Bool("done", "it was met"), Date("done_date", "when it was met")}),
      ObjectList(
          "decisions", "decisions, judgments and UN Views",
          {Required(Date("date", "when it was taken")),
           Enum("stage", "proceeding_stage", "the instance"),
           Ref("court_id", {"organization"}, "who took it"),
           Enum("outcome", "decision_outcome", "acquittal, conviction, views adopted, ...", true),
           Text("summary", "what it says"),
           Ref("source_id", {"source"}, "the decision as a document"),
           Bool("final", "it can no longer be appealed")}),
      ObjectList("remedies",
                 "what is sought for the client and what was obtained: rehabilitation, "
                 "compensation, medical and psychological rehabilitation",
                 {Enum("kind", "remedy_kind", "rehabilitation, compensation, ...", true),
                  Enum("status", "remedy_status", "sought, granted, refused, obtained", true),
                  Date("sought_date", "when it was first sought"),
                  Date("obtained_date", "when it was obtained"),
                  Num("amount", 0, 1e13, "amount, for compensation"),
                  Str("currency", "currency of the amount, e.g. KGS"), Str("note", "note")}),
      Derived(Enum("status", "case_status",
                   "the current status: the latest entry of status_log; setting it adds a "
                   "dated entry")),
      ObjectList(
          "status_log", "the case's status over the years, each change dated",
          {Required(Date("date", "when the status changed")),
           Enum("status", "case_status", "the status from that date", true), Str("note", "why")}),
  };
  t.rules = {DeriveCase, nullptr};
  return t;
}

TypeSpec ConsultationType() {
  TypeSpec t{"consultation",
             "consultations",
             "a legal-aid intake: who came, from where, the problem, the advice given, the "
             "referral and the follow-up; it can become a case",
             {}};
  t.fields = {
      Date("date", "the day of the consultation; today when not given"),
      Ref("person_id", {"person"}, "who came, when they are in the database"),
      Searchable(Str("client_name", "who came, as they gave their name, when there is no person")),
      Enum("client_sex", "sex", "sex of who came"),
      Enum("age_group", "age_group", "child, youth, adult, older person"),
      Sensitive(Str("client_contact", "phone or messenger of who came (sensitive)")),
      Ref("place_id", {"place"}, "where the person comes from: village, district or city"),
      Codes("vulnerable_groups", "affected_group", "vulnerable groups the person belongs to"),
      Enum("problem_category", "problem_category", "what the problem is about", true),
      Text("problem", "what the person came with"),
      Text("advice_given", "the advice given"),
      Enum("channel", "consultation_channel", "in person, phone, messenger, mobile clinic"),
      Ref("lawyer_id", {"person"}, "who gave the advice"),
      Text("referral", "where the person was referred, and why"),
      Ref("referred_to_organization_id", {"organization"}, "the organization referred to"),
      Date("follow_up_date", "when to follow up"),
      Bool("follow_up_done", "the follow-up was made"),
      Derived(Enum("status", "consultation_status",
                   "open, follow-up needed, closed; \"converted_to_case\" once it became a case")),
      ServerSet(Ref("case_id", {"case"}, "the case it became (set by the conversion)")),
  };
  t.rules = {DeriveConsultation, nullptr};
  return t;
}

TypeSpec RecommendationType() {
  TypeSpec t{"recommendation",
             "recommendations",
             "a recommendation of a UN body or of the organisation to state bodies, with its "
             "implementation assessed over time",
             {}};
  t.fields = {
      Required(Text("text", "the text of the recommendation")),
      Enum("issuing_body", "recommending_body", "UPR, Human Rights Committee, CAT, ...", true),
      Searchable(Str("issuing_body_name",
                     "the body as named by the source, e.g. a Special Rapporteur's mandate")),
      Strings("recommending_states", "UPR: the States that made it"),
      Ref("issuing_organization_id", {"organization"},
          "the organisation that made it, when it is not a UN body"),
      Filterable(Str("cycle", "UPR cycle or reporting cycle, e.g. \"3rd cycle\"")),
      Filterable(Str("session", "session, e.g. \"35th session\"")),
      Searchable(Filterable(Str("document_symbol", "e.g. A/HRC/44/9, CCPR/C/KGZ/CO/3"))),
      Int("year", 1945, 2100, "the year it was issued"),
      Filterable(Str("paragraph", "its paragraph, e.g. \"114.32\"")),
      Filterable(Str("country", "the State it is addressed to")),
      Codes("themes", "theme", "human-rights themes"),
      Codes("affected_groups", "affected_group", "the people it concerns"),
      Codes("sdgs", "sdg", "Sustainable Development Goals and targets, e.g. \"16\", \"16-3\""),
      Strings("labels_as_published",
              "themes, affected persons and SDGs as the source labelled them when Kuzot has no "
              "matching term"),
      Refs("addressee_ids", {"organization"}, "the state bodies it is addressed to"),
      Enum("state_position", "state_position", "accepted (supported) or noted"),
      Filterable(Str("uhri_annotation_id", "the OHCHR Universal Human Rights Index annotation id")),
      Refs("related_recommendation_ids", {"recommendation"},
           "the same recommendation in other cycles or by other bodies"),
      ObjectList(
          "assessments",
          "the implementation status as assessed over time: each dated, by whom, on what evidence",
          {Required(Date("date", "when the assessment was made")),
           Enum("status", "implementation_status", "not implemented, partially, fully, unknown",
                true),
           Searchable(Str("assessed_by", "who assessed, as a name")),
           Ref("assessed_by_organization_id", {"organization"}, "who assessed: an organization"),
           Ref("assessed_by_person_id", {"person"}, "who assessed: a person"),
           Text("evidence_summary", "what shows it"),
           Refs("source_ids", {"source"}, "the sources the assessment rests on"),
           Refs("evidence_ids", {"evidence"}, "evidence files it rests on")}),
      Derived(Enum("status", "implementation_status",
                   "the current implementation status: the latest assessment's")),
      Derived(Date("status_date", "the date of the latest assessment")),
  };
  t.rules = {DeriveRecommendation, nullptr};
  return t;
}

TypeSpec StatementType() {
  TypeSpec t{"statement",
             "statements",
             "a statement, open appeal, resolution or press release: versions and languages, "
             "addressees, co-signatory organisations, publication",
             {}};
  t.fields = {
      Searchable(Str("title", "title", true)),
      Enum("statement_type", "statement_type", "statement, open appeal, resolution, press release",
           true),
      Enum("status", "statement_status",
           "draft, open for signature, published, withdrawn; publishing is an action of "
           "coordinators (POST /api/v1/statements/{id}/publish)"),
      Date("date", "the date it bears"),
      ServerSet(Date("published_date", "when it was published (set by the publish action)")),
      Date("signature_deadline", "open for signature until"),
      Ref("author_organization_id", {"organization"}, "who issued it"),
      Searchable(Str("addressees_text", "to whom, as written in the statement")),
      Refs("addressee_ids", {"organization"}, "the bodies it is addressed to"),
      Refs("event_ids", {"event"}, "the events it is about"),
      Refs("case_ids", {"case"}, "the cases it is about"),
      Refs("recommendation_ids", {"recommendation"}, "recommendations it makes or supports"),
      Str("url", "where it is published"),
      ObjectList(
          "versions", "its text, per language and version",
          {Int("version", 1, 1000, "version number"),
           Enum("language", "language", "language of this text", true),
           Date("date", "date of this version"), Searchable(Str("title", "title in this language")),
           Required(Text("text", "the text")), Str("note", "what changed")}),
      ObjectList("signatories", "the co-signatory organisations, with the date each signed",
                 {Ref("organization_id", {"organization"}, "the organisation", true),
                  Date("signed_date", "when it signed"),
                  Searchable(Str("name_as_signed", "its name as printed under the statement")),
                  Bool("anonymous", "it signed on condition of not being named publicly"),
                  Str("note", "note")}),
  };
  t.rules = {DeriveStatement, GuardStatement};
  return t;
}

TypeSpec MissionType() {
  TypeSpec t{"mission",
             "missions",
             "a monitoring visit: dates, team, route and places visited, partners, sources and "
             "evidence collected, findings",
             {}};
  t.fields = {
      Searchable(Str("title", "title", true)),
      Enum("mission_kind", "mission_kind", "fact-finding, trial monitoring, detention visit, ..."),
      Date("start_date", "first day"),
      Date("end_date", "last day"),
      Text("purpose", "why it went"),
      Refs("team_person_ids", {"person"}, "who went"),
      Ref("leader_person_id", {"person"}, "who led it"),
      Refs("partner_organization_ids", {"organization"}, "partners"),
      Refs("event_ids", {"event"}, "the events it documented"),
      ObjectList("visits", "the route: places visited, in order, with dates",
                 {Ref("place_id", {"place"}, "the place", true), Date("date", "when"),
                  Text("activities", "what the team did there: focus groups, interviews, ..."),
                  Int("people_met", 0, 1e6, "how many people the team met there")}),
      Refs("source_ids", {"source"}, "sources collected: interviews, focus groups, documents"),
      Refs("evidence_ids", {"evidence"}, "photos, videos and other evidence collected"),
      Text("findings", "what it found"),
      Refs("recommendation_ids", {"recommendation"}, "recommendations it led to"),
  };
  t.rules = {DeriveMission, nullptr};
  return t;
}

TypeSpec SubmissionType() {
  FieldSpec sent = Make("sent", FieldKind::kObject,
                        "what was sent, frozen by the send action: each included record's "
                        "revision at that moment and the SHA-256 of the whole package");
  sent.fields = {Str("at", "when it was frozen (server time)", true),
                 Str("by", "who sent it", true),
                 Str("sha256", "SHA-256 of the package (see doc/casework.md)", true),
                 Bool("recorded_after_sending",
                      "frozen when loaded into Kuzot after it had been sent on paper"),
                 ObjectList("items", "the records as sent",
                            {Str("record_id", "the record", true), Str("type", "its type", true),
                             Int("revision", 1, 1e12, "its revision when sent")})};
  sent = ServerSet(sent);
  TypeSpec t{"submission",
             "submissions",
             "a documentation package sent to an authority or body: recipient, date, channel, "
             "the records and evidence included (frozen as sent), replies and follow-up",
             {}};
  t.fields = {
      Searchable(Str("title", "title", true)),
      Ref("recipient_organization_id", {"organization"}, "to whom it is sent", true),
      Refs("copy_to_organization_ids", {"organization"}, "copies to"),
      Enum("channel", "submission_channel", "post, by hand, e-mail, portal, UN procedure"),
      Enum("status", "submission_status",
           "draft until sent (POST /api/v1/submissions/{id}/send), then sent, acknowledged, "
           "replied, closed"),
      ServerSet(Date("date_sent", "when it was sent (set by the send action)")),
      Searchable(Str("reference_number", "the outgoing number")),
      Text("summary", "what it asks for"),
      Refs("included_record_ids", kAnyRecord, "the records and evidence the package contains"),
      sent,
      ObjectList("replies", "answers received",
                 {Required(Date("date", "when it arrived")),
                  Ref("from_organization_id", {"organization"}, "who answered"),
                  Searchable(Str("reference_number", "their number")),
                  Text("summary", "what they answered"),
                  Ref("source_id", {"source"}, "the reply as a document")}),
      ObjectList("follow_ups", "what to do next, with dates",
                 {Required(Text("action", "what to do")), Date("due_date", "by when"),
                  Bool("done", "done"), Date("done_date", "when")}),
      Refs("case_ids", {"case"}, "the cases it serves"),
      Refs("recommendation_ids", {"recommendation"}, "the recommendations it carries"),
      Ref("mission_id", {"mission"}, "the mission whose materials it carries"),
      Refs("event_ids", {"event"}, "the events it documents"),
  };
  t.rules = {DeriveSubmission, GuardSubmission};
  return t;
}

}  // namespace

void AppendCaseworkTypes(std::vector<TypeSpec>& types) {
  types.push_back(CaseType());
  types.push_back(ConsultationType());
  types.push_back(RecommendationType());
  types.push_back(StatementType());
  types.push_back(MissionType());
  types.push_back(SubmissionType());
}

}  // namespace kuzot::records
