#include "records/schema.h"

#include "records/schema_fields.h"

namespace kuzot::records {
namespace fields {

FieldSpec Make(std::string name, FieldKind kind, std::string description) {
  FieldSpec f;
  f.name = std::move(name);
  f.kind = kind;
  f.description = std::move(description);
  return f;
}

FieldSpec Str(std::string name, std::string description, bool required) {
  FieldSpec f = Make(std::move(name), FieldKind::kString, std::move(description));
  f.required = required;
  return f;
}
FieldSpec Text(std::string name, std::string description) {
  FieldSpec f = Make(std::move(name), FieldKind::kText, std::move(description));
  f.searchable = true;
  return f;
}
FieldSpec Enum(std::string name, std::string vocabulary, std::string description,
               bool required) {
  FieldSpec f = Make(std::move(name), FieldKind::kEnum, std::move(description));
  f.vocabulary = std::move(vocabulary);
  f.required = required;
  f.filterable = true;
  return f;
}
FieldSpec Date(std::string name, std::string description) {
  FieldSpec f = Make(std::move(name), FieldKind::kDate, std::move(description));
  f.filterable = true;
  return f;
}
FieldSpec Int(std::string name, double min, double max, std::string description) {
  FieldSpec f = Make(std::move(name), FieldKind::kInteger, std::move(description));
  f.min = min;
  f.max = max;
  f.filterable = true;
  return f;
}
FieldSpec Num(std::string name, double min, double max, std::string description) {
  FieldSpec f = Make(std::move(name), FieldKind::kNumber, std::move(description));
  f.min = min;
  f.max = max;
  return f;
}
FieldSpec Bool(std::string name, std::string description) {
  FieldSpec f = Make(std::move(name), FieldKind::kBool, std::move(description));
  f.filterable = true;
  return f;
}
FieldSpec Ref(std::string name, std::vector<std::string> types, std::string description,
              bool required) {
  FieldSpec f = Make(std::move(name), FieldKind::kRef, std::move(description));
  f.ref_types = std::move(types);
  f.required = required;
  f.filterable = true;
  return f;
}
FieldSpec Refs(std::string name, std::vector<std::string> types, std::string description) {
  FieldSpec f = Make(std::move(name), FieldKind::kRefList, std::move(description));
  f.ref_types = std::move(types);
  f.filterable = true;
  return f;
}
FieldSpec Strings(std::string name, std::string description) {
  FieldSpec f = Make(std::move(name), FieldKind::kStringList, std::move(description));
  f.searchable = true;
  return f;
}
FieldSpec Searchable(FieldSpec f) {
  f.searchable = true;
  return f;
}
FieldSpec Sensitive(FieldSpec f) {
  f.sensitive = true;
  f.searchable = false;
  f.filterable = false;
  return f;
}
FieldSpec Filterable(FieldSpec f) {
  f.filterable = true;
  return f;
}
FieldSpec ServerSet(FieldSpec f) {
  f.written_by = FieldSpec::Writer::kServer;
  return f;
}

}  // namespace fields

namespace {
using namespace fields;

std::vector<TypeSpec> Build() {
  std::vector<TypeSpec> types;

  FieldSpec name_parts = Make("names", FieldKind::kObjectList, "every name the person is known by, each in its script and language");
  name_parts.required = true;
  name_parts.fields = {
      Searchable(Str("value", "the name as written, e.g. \"Абдыкадырова Айзада\"", true)),
      Enum("script", "script", "writing system: Cyrl, Latn, Arab"),
      Enum("language", "language", "language of this spelling: ky, ru, uz, tg, en"),
      Enum("kind", "name_kind", "full name, alias, maiden name, ..."),
  };
  name_parts.searchable = true;

  FieldSpec object = Make("object", FieldKind::kObject, "a destroyed or damaged object, when the act has no human victim");
  object.fields = {Enum("kind", "object_kind", "what it was: house, school, ...", true),
                   Int("count", 1, 1e6, "how many"), Str("description", "which ones")};

  types.push_back({"event", "events", "something that happened, with dates, places and a parent event",
                   {Searchable(Str("title", "short title", true)),
                    Text("description", "what happened"),
                    Date("start_date", "when it began (YYYY, YYYY-MM or YYYY-MM-DD)"),
                    Date("end_date", "when it ended"),
                    Ref("parent_id", {"event"}, "the larger event this one is part of"),
                    Refs("place_ids", {"place"}, "where it happened"),
                    Refs("legal_qualification_ids", {"legal_qualification"},
                         "articles and instruments that apply")}});

  types.push_back({"place", "places", "a gazetteer entry: country > oblast > district > village",
                   {Searchable(Str("name", "name as usually written", true)),
                    Strings("other_names", "other spellings and languages"),
                    Enum("level", "place_level", "country, oblast, district, city, village, ...",
                         true),
                    Ref("parent_id", {"place"}, "the place that contains it"),
                    Num("latitude", -90, 90, "WGS84 latitude"),
                    Num("longitude", -180, 180, "WGS84 longitude"),
                    Filterable(Str("country_code", "ISO 3166-1 alpha-2 of its country"))}});

  types.push_back({"person", "persons",
                   "any human: victim, witness, perpetrator, lawyer, source",
                   {name_parts,
                    Enum("sex", "sex", "female, male, other, unknown"),
                    Date("birth_date", "date or year of birth"),
                    Int("age_at_event", 0, 130, "age at the time of the event, when no birth date"),
                    Filterable(Str("ethnicity", "as the person identifies")),
                    Filterable(Str("citizenship", "country of citizenship")),
                    Str("occupation", "occupation"),
                    Text("notes", "notes"),
                    Sensitive(Text("contact", "phone, messenger, e-mail (sensitive)")),
                    Sensitive(Str("address", "where the person lives (sensitive)")),
                    Sensitive(Text("private_notes", "notes that would endanger the person (sensitive)")),
                    Bool("consent_to_publication",
                         "whether the person agreed that their identity may be published"),
                    ServerSet(Ref("merged_into", {"person"},
                                  "set on a person merged into another (deleted): the person "
                                  "who stays, whom old links should follow"))}});

  types.push_back({"organization", "organizations", "an NGO, state body, court or armed unit",
                   {Searchable(Str("name", "full name", true)),
                    Strings("other_names", "abbreviations, other languages"),
                    Enum("kind", "organization_kind", "ngo, state_body, court, armed_unit, ...",
                         true),
                    Filterable(Str("country", "country it belongs to")),
                    Ref("parent_id", {"organization"}, "the organization it is part of"),
                    Text("description", "description")}});

  types.push_back({"act", "acts", "one violation against one victim or one object, within an event",
                   {Enum("type", "act_type", "killing, injury, torture, ...", true),
                    Ref("event_id", {"event"}, "the event it belongs to", true),
                    Ref("victim_person_id", {"person"}, "the victim"),
                    object,
                    Ref("perpetrator_person_id", {"person"}, "perpetrator, a person"),
                    Ref("perpetrator_organization_id", {"organization"},
                        "perpetrator, an organization or armed unit"),
                    Bool("perpetrator_unknown", "the perpetrator is not known"),
                    Date("date", "when it happened"),
                    Ref("place_id", {"place"}, "where it happened"),
                    Searchable(Str("consequence", "what it led to: death, disability, ...")),
                    Text("description", "what happened"),
                    Refs("legal_qualification_ids", {"legal_qualification"},
                         "articles and instruments that apply")}});

  types.push_back({"source", "sources", "where information came from",
                   {Searchable(Str("title", "short title", true)),
                    Enum("kind", "source_kind", "interview, focus group, official statement, ...",
                         true),
                    Date("date", "when it was given or published"),
                    Enum("language", "language", "language of the source"),
                    Enum("reliability", "reliability", "how far it can be trusted"),
                    Sensitive(Ref("given_by_person_id", {"person"},
                                  "the person who gave it (sensitive: the identity of a witness)")),
                    Ref("given_by_organization_id", {"organization"},
                        "the organization that gave or published it"),
                    Str("url", "where it is published"),
                    Text("description", "what it says")}});

  types.push_back({"claim", "claims", "a figure a source reports about an event",
                   {Ref("event_id", {"event"}, "the event the figure is about", true),
                    Enum("indicator", "indicator", "killed, wounded, displaced, ...", true),
                    Int("value", 0, 1e9, "the figure, when a single number"),
                    Int("value_min", 0, 1e9, "lower end, when a range (\"about 800\")"),
                    Int("value_max", 0, 1e9, "upper end, when a range"),
                    Bool("approximate", "the source gave it as approximate (\"over\", \"about\")"),
                    Date("as_of", "the date the figure stands for"),
                    Ref("source_id", {"source"}, "who reports it", true),
                    Searchable(Str("scope", "what it covers: \"Batken oblast\", \"both sides\"")),
                    Text("note", "note")}});

  types.push_back({"legal_qualification", "legal-qualifications",
                   "a Criminal Code article or an international instrument",
                   {Enum("kind", "qualification_kind",
                         "criminal_code_article, international_instrument", true),
                    Filterable(Str("code", "article number or symbol, e.g. \"130\"")),
                    Searchable(Str("title", "title, e.g. \"Murder\"", true)),
                    Filterable(Str("jurisdiction", "e.g. KG for the Kyrgyz Criminal Code")),
                    Date("adopted", "when the instrument was adopted"),
                    Text("description", "text or summary")}});

  // Evidence: a file with its hash, capture metadata and chain of custody
  // (src/evidence, doc/evidence.md). Created by uploading the file; the
  // server sets what it computed from the content.
  FieldSpec capture = Make("capture", FieldKind::kObject,
                           "capture metadata read from the file (EXIF, container)");
  capture.fields = {Str("taken_at", "EXIF date and time of capture, camera clock"),
                    Str("creation_time", "creation time in the audio or video container"),
                    Num("latitude", -90, 90, "GPS latitude in the file"),
                    Num("longitude", -180, 180, "GPS longitude in the file"),
                    Num("altitude", -1e5, 1e5, "GPS altitude in metres"),
                    Str("camera_make", "camera maker"),
                    Str("camera_model", "camera model"),
                    Num("duration_seconds", 0, 1e9, "length of audio or video"),
                    Int("width", 0, 1e6, "picture width in pixels"),
                    Int("height", 0, 1e6, "picture height in pixels"),
                    Str("kind", "the content's type as libmagic describes it"),
                    Strings("warnings", "metadata that could not be read, and why")};
  FieldSpec flags = Make("flags", FieldKind::kObjectList,
                         "where the file's metadata contradicts what was entered");
  flags.fields = {Str("field", "the entered field: captured_on or place", true),
                  Str("entered", "what was entered"), Str("found", "what the file says"),
                  Str("note", "how far apart they are")};
  types.push_back(
      {"evidence", "evidence",
       "a file (photo, video, audio, document) with its hash, capture metadata and chain of "
       "custody; created by uploading the file",
       {Searchable(Str("title", "short title", true)),
        Text("description", "what the file shows"),
        ServerSet(Filterable(Str("sha256", "SHA-256 of the file, hex (set from the upload)", true))),
        ServerSet(Int("size", 0, 1e15, "size in bytes (set from the upload)")),
        ServerSet(Filterable(Str("media_type", "type detected from the content, e.g. image/jpeg"))),
        Str("file_name", "the name it was uploaded under (never used to decide its type)"),
        ServerSet(capture),
        ServerSet(flags),
        Date("captured_on", "when it was recorded, as the uploader says"),
        Ref("place_id", {"place"}, "where it was recorded, as the uploader says"),
        Num("latitude", -90, 90, "where it was recorded (WGS84), as the uploader says"),
        Num("longitude", -180, 180, "where it was recorded (WGS84), as the uploader says"),
        Refs("event_ids", {"event"}, "events it documents"),
        Refs("act_ids", {"act"}, "acts it documents"),
        Refs("person_ids", {"person"}, "persons it shows or concerns")}});

  AppendCaseworkTypes(types);

  FieldSpec sources = Make("sources", FieldKind::kObjectList, "the sources that support this record");
  sources.fields = {Ref("source_id", {"source"}, "the source", true),
                    Str("note", "what the source says about this record"),
                    Str("pages", "where in the source")};
  for (auto& t : types) {
    FieldSpec confidentiality = Enum("confidentiality", "confidentiality",
                                     "public, internal, restricted or secret; default internal");
    t.fields.push_back(confidentiality);
    t.fields.push_back(sources);
  }
  return types;
}

}  // namespace

const std::vector<TypeSpec>& RecordTypes() {
  static const std::vector<TypeSpec> types = Build();
  return types;
}

const TypeSpec* FindType(std::string_view name) {
  for (const auto& t : RecordTypes()) {
    if (t.name == name || t.plural == name) return &t;
  }
  return nullptr;
}

const FieldSpec* FindField(const std::vector<FieldSpec>& fields, std::string_view name) {
  for (const auto& f : fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const std::vector<std::string>& EnvelopeFields() {
  static const std::vector<std::string> fields = {
      "id", "type", "revision", "created_at", "created_by", "updated_at", "updated_by", "deleted"};
  return fields;
}

}  // namespace kuzot::records
