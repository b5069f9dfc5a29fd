// A date known to the year, the month or the day: three small parts
// (year, month, day), of which only the year is needed. Gives "2021",
// "2021-05" or "2021-05-29", or what was typed when it is not a date yet
// (the form then says what is wrong; nothing typed is thrown away).
import { useEffect, useState } from 'preact/hooks';
import { formatFuzzyDate, FUZZY_DATE } from '../lib/dates';
import { t, type Key } from '../lib/i18n';

interface Props {
  id: string;
  legend: string;
  value: string | undefined;
  onChange: (value: string | undefined) => void;
  invalid?: boolean;
  describedBy?: string;
  required?: boolean;
}

function split(value: string | undefined): [string, string, string] {
  const m = value ? FUZZY_DATE.exec(value) : null;
  if (!m) return [value ?? '', '', ''];
  return [m[1], m[2] ? String(Number(m[2])) : '', m[3] ? String(Number(m[3])) : ''];
}

// Joins the parts; a part that is not a number is kept as typed so the
// check before saving can point at it.
export function joinDate(year: string, month: string, day: string): string | undefined {
  const y = year.trim();
  const d = day.trim();
  if (!y && !month && !d) return undefined;
  let out = y;
  if (month) out += '-' + month.padStart(2, '0');
  if (month && d) out += '-' + (/^\d+$/.test(d) ? d.padStart(2, '0') : d);
  else if (d) out += '--' + d; // a day without a month: refused, and said so
  return out;
}

export function FuzzyDateInput({ id, legend, value, onChange, invalid, describedBy, required }: Props) {
  const [parts, setParts] = useState(split(value));
  useEffect(() => {
    if (joinDate(...parts) !== value) setParts(split(value));
  }, [value]);
  const update = (i: number, v: string) => {
    const next = [...parts] as [string, string, string];
    next[i] = v;
    setParts(next);
    onChange(joinDate(...next));
  };
  const readable = value && FUZZY_DATE.test(value) ? formatFuzzyDate(value) : '';
  return (
    <fieldset class="date-input" aria-describedby={describedBy}>
      <legend>
        {legend}
        {required && (
          <span class="req" aria-hidden="true">
            {' '}
            *
          </span>
        )}
      </legend>
      <div class="date-parts">
        <label>
          <span class="part-label">{t('date.year')}</span>
          <input
            id={id}
            type="text"
            inputMode="numeric"
            maxLength={4}
            size={5}
            autoComplete="off"
            aria-invalid={invalid || undefined}
            required={required}
            value={parts[0]}
            onInput={(e) => update(0, (e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          <span class="part-label">{t('date.month_part')}</span>
          <select
            value={parts[1]}
            aria-invalid={invalid || undefined}
            onChange={(e) => update(1, (e.target as HTMLSelectElement).value)}
          >
            <option value="">—</option>
            {Array.from({ length: 12 }, (_, i) => (
              <option value={String(i + 1)} key={i}>
                {t(('month.' + (i + 1)) as Key)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span class="part-label">{t('date.day_part')}</span>
          <input
            type="text"
            inputMode="numeric"
            maxLength={2}
            size={3}
            autoComplete="off"
            aria-invalid={invalid || undefined}
            value={parts[2]}
            onInput={(e) => update(2, (e.target as HTMLInputElement).value)}
          />
        </label>
        {readable && (
          <span class="date-readable" aria-live="polite">
            {readable}
          </span>
        )}
      </div>
    </fieldset>
  );
}
