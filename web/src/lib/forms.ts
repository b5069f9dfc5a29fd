// What forms share: checks before saving (so several mistakes are shown at
// once, the server's own check still decides), cleaning a body for the
// API, and drafts that keep what was typed until it is saved.
import { ApiError } from './api';
import { FUZZY_DATE } from './dates';
import { t } from './i18n';
import type { Field } from './schema';
import type { Errors } from '../components/fields';

// Removes what the API should not receive: empty strings, empty list items
// and lines, empty objects.
export function clean(value: any): any {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (Array.isArray(value)) {
    const items = value.map(clean).filter((v) => v !== undefined);
    return items.length ? items : undefined;
  }
  if (value && typeof value === 'object') {
    const out: Record<string, any> = {};
    for (const [k, v] of Object.entries(value)) {
      const c = clean(v);
      if (c !== undefined) out[k] = c;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return value;
}

function checkDate(value: string): string | undefined {
  const m = FUZZY_DATE.exec(value);
  if (!m) return t('msg.date_format');
  const [year, month, day] = [Number(m[1]), Number(m[2] ?? 1), Number(m[3] ?? 1)];
  if (year < 1000) return t('msg.date_format');
  if (month < 1 || month > 12) return t('msg.date_format');
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > days) return t('msg.no_such_day');
  return undefined;
}

// Mistakes the browser can see before asking the server, by field path.
export function validate(fields: Field[], body: any, prefix = '', errors: Errors = {}): Errors {
  const obj = body ?? {};
  for (const f of fields) {
    const path = prefix ? prefix + '.' + f.name : f.name;
    const v = obj[f.name];
    const empty = v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
    if (empty) {
      if (f.required) errors[path] = t('msg.required');
      continue;
    }
    if (f.kind === 'date' && typeof v === 'string') {
      const problem = checkDate(v);
      if (problem) errors[path] = problem;
    } else if ((f.kind === 'integer' || f.kind === 'number') && typeof v !== 'number') {
      errors[path] = f.kind === 'integer' ? t('msg.integer') : t('msg.number');
    } else if (
      (f.kind === 'integer' || f.kind === 'number') &&
      ((f.min !== undefined && v < f.min) || (f.max !== undefined && v > f.max))
    ) {
      errors[path] = t('msg.between', { min: f.min ?? '', max: f.max ?? '' });
    } else if (f.kind === 'object' && f.fields) {
      validate(f.fields, v, path, errors);
    } else if (f.kind === 'object_list' && f.fields && Array.isArray(v)) {
      v.forEach((item, i) => validate(f.fields!, item, `${path}[${i}]`, errors));
    }
  }
  return errors;
}

// The server's refusal as errors by field, or under "" when it names none.
export function serverErrors(error: unknown, strip = ''): Errors {
  if (error instanceof ApiError && error.field && error.status === 400) {
    const field = strip && error.field.startsWith(strip) ? error.field.slice(strip.length) : error.field;
    return { [field]: error.message };
  }
  return {};
}

// Moves the focus to the input of the first field in error.
export function focusFirstError() {
  requestAnimationFrame(() => {
    const el = document.querySelector<HTMLElement>(
      '[aria-invalid="true"], .has-error input, .has-error select, .has-error textarea',
    );
    el?.focus();
    el?.scrollIntoView({ block: 'center' });
  });
}

// Drafts live in sessionStorage: they survive a reload or a lost session,
// and are gone when the tab is closed or the user signs out.
export function loadDraft<T>(key: string): T | null {
  try {
    const text = sessionStorage.getItem('draft:' + key);
    return text ? (JSON.parse(text) as T) : null;
  } catch {
    return null;
  }
}

export function saveDraft(key: string, value: unknown) {
  try {
    sessionStorage.setItem('draft:' + key, JSON.stringify(value));
  } catch {
    // Storage full or disabled: the form still holds the text.
  }
}

export function dropDraft(key: string) {
  sessionStorage.removeItem('draft:' + key);
}
