// Dates as people write them. Records keep fuzzy dates as "2021",
// "2021-05" or "2021-05-29"; they are shown as "2021", "May 2021" and
// "29 May 2021" in the interface language.
import { lang, t, type Key } from './i18n';

const MONTH_KEYS: Key[] = [
  'month.1',
  'month.2',
  'month.3',
  'month.4',
  'month.5',
  'month.6',
  'month.7',
  'month.8',
  'month.9',
  'month.10',
  'month.11',
  'month.12',
];

const supported = new Map<string, boolean>();
// Whether this browser's Intl knows the language (Kyrgyz is missing in some).
function intlKnows(code: string): boolean {
  if (!supported.has(code)) {
    supported.set(code, Intl.DateTimeFormat.supportedLocalesOf([code]).length > 0);
  }
  return supported.get(code)!;
}

export const FUZZY_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

export function formatFuzzyDate(value: unknown): string {
  if (typeof value !== 'string') return '';
  const m = FUZZY_DATE.exec(value);
  if (!m) return value;
  const year = Number(m[1]);
  const month = m[2] ? Number(m[2]) : 0;
  const day = m[3] ? Number(m[3]) : 0;
  if (!month) return m[1];
  const code = lang();
  if (!intlKnows(code)) {
    // Our own words for a language this browser's Intl lacks.
    const name = t(MONTH_KEYS[month - 1]);
    return day ? t('date.day', { day, month: name, year }) : t('date.month', { month: name, year });
  }
  const options: Intl.DateTimeFormatOptions = day
    ? { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }
    : { year: 'numeric', month: 'long', timeZone: 'UTC' };
  return new Intl.DateTimeFormat(code, options).format(new Date(Date.UTC(year, month - 1, day || 1)));
}

// "2021-05-29" .. "2021-06-02" as one span.
export function formatDateRange(start: unknown, end: unknown): string {
  const a = formatFuzzyDate(start);
  const b = formatFuzzyDate(end);
  if (a && b && a !== b) return a + ' – ' + b;
  return a || b;
}

// A moment of the server's clock (ISO 8601, UTC) in local time.
export function formatTimestamp(iso: unknown): string {
  if (typeof iso !== 'string' || !iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const code = intlKnows(lang()) ? lang() : 'ru';
  return new Intl.DateTimeFormat(code, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}
