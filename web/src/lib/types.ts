// How each record type appears in the interface: its list columns, the
// order of its form, and its title. A new record type is one entry here
// (and its words in src/i18n/*.ts); fields come from GET /api/v1/schema.
import { formatNumber } from './i18n';
import { termLabel } from './schema';

export interface TypeUi {
  name: string; // as in the schema: "legal_qualification"
  plural: string; // as in URLs and the API: "legal-qualifications"
  columns: string[]; // list columns after the title
  titleField?: string; // the sortable field the title column stands for
  sort?: string; // default list order
  first?: string[]; // fields shown first in forms and record pages
  // Fields edited elsewhere on the form (left out of the generic layout).
  hide?: string[];
  // Records made another way than by the form (evidence: by uploading).
  noForm?: boolean;
}

export const TYPES: TypeUi[] = [
  {
    name: 'event',
    plural: 'events',
    columns: ['start_date', 'end_date', 'place_ids'],
    sort: '-start_date',
    first: ['title', 'start_date', 'end_date', 'description', 'parent_id', 'place_ids'],
  },
  {
    name: 'act',
    plural: 'acts',
    titleField: 'type',
    columns: ['event_id', 'victim_person_id', 'date', 'place_id'],
    sort: '-date',
    first: ['type', 'event_id', 'victim_person_id', 'object', 'date', 'place_id'],
  },
  {
    name: 'person',
    plural: 'persons',
    columns: ['sex', 'birth_date', 'age_at_event', 'citizenship'],
    first: ['names', 'sex', 'birth_date', 'age_at_event'],
  },
  {
    name: 'place',
    plural: 'places',
    columns: ['level', 'parent_id', 'country_code'],
    first: ['name', 'level', 'parent_id', 'latitude', 'longitude'],
  },
  {
    name: 'source',
    plural: 'sources',
    columns: ['kind', 'date', 'reliability'],
    sort: '-date',
    first: ['title', 'kind', 'date', 'language', 'reliability'],
  },
  {
    name: 'claim',
    plural: 'claims',
    titleField: 'indicator',
    columns: ['event_id', 'value', 'as_of', 'source_id'],
    sort: '-as_of',
    first: ['event_id', 'indicator', 'value', 'value_min', 'value_max', 'approximate', 'as_of', 'source_id'],
  },
  {
    name: 'organization',
    plural: 'organizations',
    columns: ['kind', 'country'],
    sort: 'name',
    first: ['name', 'kind'],
  },
  {
    name: 'legal_qualification',
    plural: 'legal-qualifications',
    columns: ['kind', 'code', 'jurisdiction'],
    first: ['kind', 'code', 'title'],
  },
  // Casework (issue 8): pages of their own under pages/casework/.
  {
    name: 'case',
    plural: 'cases',
    columns: ['reference', 'case_type', 'status', 'opened_date'],
    sort: '-opened_date',
    first: ['title', 'reference', 'case_type', 'status', 'opened_date', 'closed_date', 'summary', 'clients'],
  },
  {
    name: 'consultation',
    plural: 'consultations',
    titleField: 'problem_category',
    columns: ['date', 'client_name', 'place_id', 'status', 'follow_up_date'],
    sort: '-date',
    first: ['date', 'client_name', 'person_id', 'problem_category', 'problem', 'advice_given'],
  },
  {
    name: 'recommendation',
    plural: 'recommendations',
    titleField: 'text',
    columns: ['issuing_body', 'year', 'state_position', 'status'],
    sort: '-year',
    first: ['text', 'issuing_body', 'issuing_body_name', 'year', 'paragraph', 'addressee_ids', 'themes', 'sdgs'],
    hide: ['status', 'status_date'],
  },
  {
    name: 'statement',
    plural: 'statements',
    columns: ['statement_type', 'status', 'date'],
    sort: '-date',
    first: ['title', 'statement_type', 'status', 'date', 'addressees_text'],
  },
  {
    name: 'mission',
    plural: 'missions',
    columns: ['mission_kind', 'start_date', 'end_date'],
    sort: '-start_date',
    first: ['title', 'mission_kind', 'start_date', 'end_date', 'purpose'],
  },
  {
    name: 'submission',
    plural: 'submissions',
    columns: ['recipient_organization_id', 'status', 'date_sent'],
    sort: '-date_sent',
    first: ['title', 'recipient_organization_id', 'channel', 'status'],
  },
  {
    name: 'evidence',
    plural: 'evidence',
    columns: ['media_type', 'captured_on', 'size'],
    sort: '-id',
    first: [
      'title',
      'description',
      'captured_on',
      'place_id',
      'latitude',
      'longitude',
      'event_ids',
      'act_ids',
      'person_ids',
    ],
    // Set by the server from the file; shown by the evidence panel.
    hide: ['sha256', 'size', 'media_type', 'capture', 'flags', 'file_name'],
    noForm: true,
  },
];

export function typeUi(nameOrPlural: string): TypeUi | undefined {
  return TYPES.find((t) => t.name === nameOrPlural || t.plural === nameOrPlural);
}

export function recordPath(type: string, id: string): string {
  return '/' + (typeUi(type)?.plural ?? type) + '/' + id;
}

// A record's title as people read it, in the interface language. `type`
// is the record type: an act's own "type" field (its act type) hides the
// envelope's.
export function recordTitle(type: string, record: any, resolve?: (id: string) => string | undefined): string {
  if (!record) return '';
  switch (type) {
    case 'person':
      return record.names?.[0]?.value ?? record.id;
    case 'act': {
      const what = termLabel('act_type', record.type);
      const victim = record.victim_person_id && resolve?.(record.victim_person_id);
      const object = record.object ? termLabel('object_kind', record.object.kind) : '';
      return [what, victim || object].filter(Boolean).join(' — ');
    }
    case 'claim': {
      const value =
        record.value !== undefined
          ? formatNumber(record.value)
          : record.value_min !== undefined
            ? formatNumber(record.value_min) + '–' + formatNumber(record.value_max)
            : '';
      return termLabel('indicator', record.indicator) + ': ' + (record.approximate ? '~' : '') + value;
    }
    case 'legal_qualification':
      return [record.code, record.title].filter(Boolean).join(' ');
    case 'consultation':
      return [termLabel('problem_category', record.problem_category), record.client_name, record.date]
        .filter(Boolean)
        .join(' — ');
    case 'recommendation': {
      const text = String(record.text ?? '');
      return (record.paragraph ? record.paragraph + ' ' : '') + (text.length > 90 ? text.slice(0, 90) + '…' : text);
    }
    default:
      return record.title ?? record.name ?? record.id;
  }
}
