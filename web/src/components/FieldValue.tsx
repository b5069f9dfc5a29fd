// A field's value as read on a record page, in a list cell or in a diff.
import { formatFuzzyDate } from '../lib/dates';
import { formatNumber, t } from '../lib/i18n';
import { fieldLabel, termLabel, type Field } from '../lib/schema';
import type { TitleInfo } from '../lib/titles';
import { RecordLink } from './ui';

interface Props {
  type: string;
  field: Field;
  value: unknown;
  titles: Map<string, TitleInfo | null>;
}

function Ref({ id, titles }: { id: string; titles: Map<string, TitleInfo | null> }) {
  const info = titles.get(id);
  if (info) return <RecordLink info={info} />;
  // Not loaded yet, or not visible to this user: nothing is hinted at.
  return info === null ? <span class="muted">{t('record.unavailable')}</span> : <span class="muted">…</span>;
}

export function FieldValue({ type, field, value, titles }: Props) {
  if (value === undefined || value === null || value === '') return null;
  switch (field.kind) {
    case 'enum':
      return <>{termLabel(field.vocabulary, value)}</>;
    case 'date':
      return <time dateTime={String(value)}>{formatFuzzyDate(value)}</time>;
    case 'integer':
    case 'number':
      return <>{typeof value === 'number' ? formatNumber(value) : String(value)}</>;
    case 'bool':
      return <>{value ? t('common.yes') : t('common.no')}</>;
    case 'ref':
      return <Ref id={String(value)} titles={titles} />;
    case 'ref_list':
      return (
        <ul class="inline-list">
          {(value as string[]).map((id) => (
            <li key={id}>
              <Ref id={id} titles={titles} />
            </li>
          ))}
        </ul>
      );
    case 'string_list':
      return <>{(value as string[]).join('; ')}</>;
    case 'text':
      return <span class="text-value">{String(value)}</span>;
    case 'object':
      return <ObjectValue type={type} fields={field.fields ?? []} value={value} titles={titles} />;
    case 'object_list':
      return (
        <ul class="object-list">
          {(value as unknown[]).map((item, i) => (
            <li key={i}>
              <ObjectValue type={type} fields={field.fields ?? []} value={item} titles={titles} />
            </li>
          ))}
        </ul>
      );
    default:
      return <>{String(value)}</>;
  }
}

function ObjectValue({
  type,
  fields,
  value,
  titles,
}: {
  type: string;
  fields: Field[];
  value: any;
  titles: Map<string, TitleInfo | null>;
}) {
  if (!value || typeof value !== 'object') return null;
  const [first, ...rest] = fields.filter((f) => value[f.name] !== undefined && value[f.name] !== '');
  if (!first) return null;
  return (
    <span class="object-value">
      <span class="object-main">
        <FieldValue type={type} field={first} value={value[first.name]} titles={titles} />
      </span>
      {rest.map((f) => (
        <span class="object-part" key={f.name}>
          <span class="muted">{fieldLabel(type, f)}:</span>{' '}
          <FieldValue type={type} field={f} value={value[f.name]} titles={titles} />
        </span>
      ))}
    </span>
  );
}
