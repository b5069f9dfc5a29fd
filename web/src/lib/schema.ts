// The record schema (GET /api/v1/schema) and vocabularies
// (GET /api/v1/vocabularies), with lookups in the interface language.
import { lang, tOr } from './i18n';
import { bootStore } from './session';

export type FieldKind =
  | 'string'
  | 'text'
  | 'enum'
  | 'date'
  | 'integer'
  | 'number'
  | 'bool'
  | 'ref'
  | 'ref_list'
  | 'string_list'
  | 'object'
  | 'object_list';

export interface Field {
  name: string;
  kind: FieldKind;
  description: string;
  required: boolean;
  filterable: boolean;
  vocabulary?: string;
  ref_types?: string[];
  min?: number;
  max?: number;
  fields?: Field[];
  // Not written by clients: derived from the record, or set by a server action.
  written_by?: 'derived' | 'server';
}

export interface RecordType {
  name: string;
  plural: string;
  description: string;
  fields: Field[];
}

export interface Schema {
  types: RecordType[];
}

export interface Term {
  code: string;
  labels: Record<string, string>;
  position: number;
  deprecated: boolean;
}

export type Vocabularies = Record<string, Term[]>;

// Fields no role but those who see sensitive data may read or set.
export const SENSITIVE_FIELDS: Record<string, string[]> = {
  person: ['contact', 'address', 'private_notes'],
  source: ['given_by_person_id'],
  consultation: ['client_contact'],
};

export function schemaType(name: string): RecordType | undefined {
  return bootStore.get()?.schema.types.find((t) => t.name === name || t.plural === name);
}

export function terms(vocabulary: string): Term[] {
  const list = bootStore.get()?.vocabularies[vocabulary] ?? [];
  return list.filter((t) => !t.deprecated).sort((a, b) => a.position - b.position);
}

export function termLabel(vocabulary: string | undefined, code: unknown): string {
  if (typeof code !== 'string') return '';
  if (!vocabulary) return code;
  const term = bootStore.get()?.vocabularies[vocabulary]?.find((t) => t.code === code);
  if (!term) return code;
  return term.labels[lang()] || term.labels.en || code;
}

// "Victim" for act.victim_person_id: the dictionary's label for the field
// in this type, else for the field in any type, else the schema's words.
export function fieldLabel(type: string, field: Field | string): string {
  const name = typeof field === 'string' ? field : field.name;
  const fallback = typeof field === 'string' ? name : field.description || name;
  return tOr('f.' + type + '.' + name, tOr('f.' + name, fallback));
}

// "Events", "Legal qualifications".
export function typeLabel(type: string, many = true): string {
  return tOr((many ? 'types.' : 'type.') + type, type);
}
