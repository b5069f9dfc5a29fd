// Form inputs generated from the schema: one per field kind, each with its
// label and, beside it, the message saying what is wrong with it.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { lang, t, tOr } from '../lib/i18n';
import { fieldLabel, terms, type Field } from '../lib/schema';
import { visibleLevels } from '../lib/session';
import { FuzzyDateInput } from './FuzzyDateInput';
import { PlaceField } from './PlaceField';
import { RefPicker } from './RefPicker';
import { translateMessage } from './ui';

// Messages by field path ("start_date", "names[1].value", "records[2].body.type").
export type Errors = Record<string, string>;

export function fieldId(path: string): string {
  return 'f-' + path.replace(/[^A-Za-z0-9_-]/g, '-');
}

// The error for `path`, or for a part of it the form has no input of its
// own for ("place_ids[2]" belongs to the place_ids picker).
function errorAt(errors: Errors, path: string, kind: string): string | undefined {
  if (errors[path]) return errors[path];
  if (kind === 'ref_list' || kind === 'string_list') {
    const key = Object.keys(errors).find((k) => k.startsWith(path + '['));
    if (key) return errors[key];
  }
  return undefined;
}

// Errors under `path` (its parts), for a list editor's summary.
export function errorsUnder(errors: Errors, path: string): boolean {
  return Object.keys(errors).some((k) => k === path || k.startsWith(path + '.') || k.startsWith(path + '['));
}

interface RowProps {
  id: string;
  label: string;
  required?: boolean;
  error?: string;
  hint?: string;
  children: ComponentChildren;
  group?: boolean; // the input is a fieldset with its own legend
  short?: boolean; // a narrow input: forms put several on a row
}

export function FieldRow({ id, label, required, error, hint, children, group, short }: RowProps) {
  return (
    <div class={'field' + (short ? ' field-short' : '') + (error ? ' has-error' : '')}>
      {!group && (
        <div class="label-line">
          <label for={id}>{label}</label>
          {required && (
            <span class="req" aria-hidden="true">
              {' '}
              *
            </span>
          )}
        </div>
      )}
      {children}
      {hint && (
        <p class="hint" id={id + '-hint'}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={id + '-error'} role="alert">
          {translateMessage(error)}
        </p>
      )}
    </div>
  );
}

interface Props {
  type: string;
  field: Field;
  path: string;
  value: any;
  onChange: (value: any) => void;
  errors: Errors;
  exclude?: string[]; // record ids a reference may not point to (the record itself)
}

// What an integer or number input holds: the number, or the text as typed
// when it is not one yet (checked before saving).
function numeric(text: string, integer: boolean): number | string | undefined {
  const s = text.trim().replace(',', '.');
  if (!s) return undefined;
  const n = Number(s);
  if (Number.isFinite(n) && (!integer || Number.isInteger(n))) return n;
  return text;
}

export function FieldInput({ type, field, path, value, onChange, errors, exclude }: Props) {
  const id = fieldId(path);
  const error = errorAt(errors, path, field.kind);
  const label = fieldLabel(type, field);
  const hintText = tOr('h.' + type + '.' + field.name, tOr('h.' + field.name, ''));
  const describedBy = [hintText ? id + '-hint' : '', error ? id + '-error' : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy,
    'aria-required': field.required || undefined,
  };
  const short = ['enum', 'date', 'integer', 'number', 'bool'].includes(field.kind);
  const row = (input: ComponentChildren, group = false) => (
    <FieldRow id={id} label={label} required={field.required} error={error} hint={hintText} group={group} short={short}>
      {input}
    </FieldRow>
  );
  switch (field.kind) {
    case 'text':
      return row(
        <textarea
          {...common}
          rows={4}
          value={value ?? ''}
          onInput={(e) => onChange((e.target as HTMLTextAreaElement).value || undefined)}
        />,
      );
    case 'enum': {
      let options = terms(field.vocabulary ?? '');
      if (field.vocabulary === 'confidentiality') {
        const allowed = visibleLevels();
        options = options.filter((o) => allowed.includes(o.code));
      }
      return row(
        <select
          {...common}
          value={value ?? ''}
          onChange={(e) => onChange((e.target as HTMLSelectElement).value || undefined)}
        >
          <option value="">{field.vocabulary === 'confidentiality' ? t('form.default_internal') : '—'}</option>
          {options.map((o) => (
            <option value={o.code} key={o.code}>
              {o.labels[lang()] || o.labels.en || o.code}
            </option>
          ))}
          {value && !options.some((o) => o.code === value) && <option value={value}>{value}</option>}
        </select>,
      );
    }
    case 'date':
      return row(
        <FuzzyDateInput
          id={id}
          legend={label}
          value={value}
          onChange={onChange}
          invalid={!!error}
          describedBy={describedBy}
          required={field.required}
        />,
        true,
      );
    case 'integer':
    case 'number':
      return row(
        <input
          {...common}
          type="text"
          inputMode={field.kind === 'integer' ? 'numeric' : 'decimal'}
          size={12}
          value={value ?? ''}
          onInput={(e) => onChange(numeric((e.target as HTMLInputElement).value, field.kind === 'integer'))}
        />,
      );
    case 'bool':
      return row(
        <select
          {...common}
          value={value === true ? 'true' : value === false ? 'false' : ''}
          onChange={(e) => {
            const v = (e.target as HTMLSelectElement).value;
            onChange(v === '' ? undefined : v === 'true');
          }}
        >
          <option value="">—</option>
          <option value="true">{t('common.yes')}</option>
          <option value="false">{t('common.no')}</option>
        </select>,
      );
    case 'ref':
    case 'ref_list': {
      // Places are also picked from the gazetteer tree or on a map.
      const place = field.ref_types?.length === 1 && field.ref_types[0] === 'place';
      const picker = {
        id,
        value,
        multiple: field.kind === 'ref_list',
        onChange,
        invalid: !!error,
        describedBy,
        exclude,
      };
      return row(place ? <PlaceField {...picker} /> : <RefPicker {...picker} types={field.ref_types ?? []} />);
    }
    case 'string_list':
      if (field.vocabulary) {
        // A list of vocabulary codes (themes, groups, SDGs): one box each.
        return row(
          <CodeChecks
            id={id}
            legend={label}
            vocabulary={field.vocabulary}
            value={value}
            onChange={onChange}
            describedBy={describedBy}
          />,
          true,
        );
      }
      return row(
        <textarea
          {...common}
          rows={3}
          value={Array.isArray(value) ? value.join('\n') : (value ?? '')}
          onInput={(e) => {
            const lines = (e.target as HTMLTextAreaElement).value.split('\n');
            onChange(lines.some((l) => l.trim()) ? lines : undefined);
          }}
        />,
      );
    case 'object':
      return (
        <fieldset class={'subform' + (error ? ' has-error' : '')}>
          <legend>{label}</legend>
          {error && (
            <p class="field-error" role="alert">
              {translateMessage(error)}
            </p>
          )}
          <SubFields
            type={type}
            fields={field.fields ?? []}
            path={path}
            value={value}
            onChange={onChange}
            errors={errors}
          />
        </fieldset>
      );
    case 'object_list':
      return (
        <ObjectListEditor type={type} field={field} path={path} value={value} onChange={onChange} errors={errors} />
      );
    default:
      return row(
        <input
          {...common}
          type="text"
          value={value ?? ''}
          onInput={(e) => onChange((e.target as HTMLInputElement).value || undefined)}
        />,
      );
  }
}

// The script a name is written in, guessed from its letters.
export function guessScript(text: string): string | undefined {
  if (/\p{Script=Cyrillic}/u.test(text)) return 'Cyrl';
  if (/\p{Script=Arabic}/u.test(text)) return 'Arab';
  if (/\p{Script=Latin}/u.test(text)) return 'Latn';
  return undefined;
}

function SubFields({
  type,
  fields,
  path,
  value,
  onChange,
  errors,
}: {
  type: string;
  fields: Field[];
  path: string;
  value: any;
  onChange: (v: any) => void;
  errors: Errors;
}) {
  const obj = value && typeof value === 'object' ? value : {};
  const set = (name: string, v: any) => {
    const next = { ...obj };
    if (v === undefined) delete next[name];
    else next[name] = v;
    // A name's script follows from its letters unless chosen by hand.
    const scripted = fields.some((f) => f.vocabulary === 'script');
    if (
      name === 'value' &&
      scripted &&
      typeof v === 'string' &&
      (!obj.script || obj.script === guessScript(obj.value ?? ''))
    ) {
      const script = guessScript(v);
      if (script) next.script = script;
    }
    onChange(Object.keys(next).length ? next : undefined);
  };
  return (
    <div class="subfields">
      {fields.map((f) => (
        <FieldInput
          key={f.name}
          type={type}
          field={f}
          path={path + '.' + f.name}
          value={obj[f.name]}
          onChange={(v) => set(f.name, v)}
          errors={errors}
        />
      ))}
    </div>
  );
}

// A list of vocabulary codes as checkboxes, in the vocabulary's order.
export function CodeChecks({
  id,
  legend,
  vocabulary,
  value,
  onChange,
  describedBy,
}: {
  id?: string;
  legend: string;
  vocabulary: string;
  value: any;
  onChange: (value: string[] | undefined) => void;
  describedBy?: string;
}) {
  const chosen: string[] = Array.isArray(value) ? value : [];
  return (
    <fieldset class="code-list" id={id} aria-describedby={describedBy}>
      <legend>{legend}</legend>
      {terms(vocabulary).map((o) => (
        <label key={o.code} class="check">
          <input
            type="checkbox"
            checked={chosen.includes(o.code)}
            onChange={(e) => {
              const on = (e.target as HTMLInputElement).checked;
              const next = on ? [...chosen, o.code] : chosen.filter((c) => c !== o.code);
              onChange(next.length ? next : undefined);
            }}
          />{' '}
          {o.labels[lang()] ?? o.labels.en}
        </label>
      ))}
    </fieldset>
  );
}

export function ObjectListEditor({ type, field, path, value, onChange, errors }: Omit<Props, 'exclude'>) {
  const items: any[] = Array.isArray(value) ? value : [];
  const label = fieldLabel(type, field);
  const itemLabel = tOr('item.' + type + '.' + field.name, tOr('item.' + field.name, label));
  const [focusLast, setFocusLast] = useState(false);
  const error = errors[path];
  const update = (i: number, v: any) => {
    const next = [...items];
    next[i] = v ?? {};
    onChange(next);
  };
  const remove = (i: number) => {
    const next = items.filter((_, j) => j !== i);
    onChange(next.length ? next : undefined);
  };
  return (
    <fieldset class={'list-editor' + (error ? ' has-error' : '')}>
      <legend>
        {label}
        {field.required && (
          <span class="req" aria-hidden="true">
            {' '}
            *
          </span>
        )}
      </legend>
      {error && (
        <p class="field-error" role="alert">
          {translateMessage(error)}
        </p>
      )}
      {items.map((item, i) => (
        <div class="list-item" key={i}>
          <div class="list-item-head">
            <span class="list-item-title">
              {itemLabel} {i + 1}
            </span>
            <button
              type="button"
              class="link-button"
              onClick={() => remove(i)}
              aria-label={t('form.remove_item', { item: itemLabel + ' ' + (i + 1) })}
            >
              {t('form.remove')}
            </button>
          </div>
          <SubFields
            type={type}
            fields={field.fields ?? []}
            path={`${path}[${i}]`}
            value={item}
            onChange={(v) => update(i, v)}
            errors={errors}
          />
          {focusLast && i === items.length - 1 && (
            <FocusFirst path={`${path}[${i}]`} done={() => setFocusLast(false)} />
          )}
        </div>
      ))}
      <button
        type="button"
        class="secondary"
        onClick={() => {
          onChange([...items, {}]);
          setFocusLast(true);
        }}
      >
        + {t('form.add_item', { item: itemLabel.toLowerCase() })}
      </button>
    </fieldset>
  );
}

// Moves the focus into a list item just added.
function FocusFirst({ path, done }: { path: string; done: () => void }) {
  queueMicrotask(() => {
    const el = document.querySelector<HTMLElement>(`[id^="${fieldId(path)}"]`);
    el?.focus();
    done();
  });
  return null;
}
