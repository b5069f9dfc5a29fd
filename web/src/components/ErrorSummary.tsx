// The list of what is wrong, at the top of a form, each item a link to its
// field; the same messages also stand beside the fields.
import { useEffect, useRef } from 'preact/hooks';
import { t } from '../lib/i18n';
import { fieldLabel, type Field } from '../lib/schema';
import { fieldId, type Errors } from './fields';
import { translateMessage } from './ui';

// "Names 2 › Script" for "names[1].script".
export function pathLabel(type: string, fields: Field[], path: string): string {
  const parts: string[] = [];
  let spec: Field[] | undefined = fields;
  for (const segment of path.split('.')) {
    const m = /^([a-z_0-9]+)(?:\[(\d+)\])?$/.exec(segment);
    if (!m) {
      parts.push(segment);
      continue;
    }
    const field: Field | undefined = spec?.find((f) => f.name === m[1]);
    parts.push((field ? fieldLabel(type, field) : m[1]) + (m[2] !== undefined ? ' ' + (Number(m[2]) + 1) : ''));
    spec = field?.fields;
  }
  return parts.join(' › ');
}

interface Props {
  errors: Errors;
  general?: string | null;
  label: (path: string) => string;
  // The input to move to for a path; the nearest one that exists otherwise.
  target?: (path: string) => string;
}

export function ErrorSummary({ errors, general, label, target }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const entries = Object.entries(errors);
  useEffect(() => {
    if (general && !entries.length) ref.current?.focus();
  }, [general, entries.length]);
  if (!entries.length && !general) return null;
  const idFor = (path: string) => {
    const wanted = target ? target(path) : path;
    let p = wanted;
    while (p) {
      if (document.getElementById(fieldId(p))) return fieldId(p);
      p = p.replace(/(\[\d+\]|\.[a-z_0-9]+)$/, '');
      if (p === wanted) break;
    }
    return fieldId(wanted);
  };
  return (
    <div class="error-summary" role="alert" tabIndex={-1} ref={ref}>
      <p class="error-summary-title">{entries.length ? t('form.problems') : general}</p>
      {entries.length > 0 && (
        <ul>
          {entries.map(([path, message]) => (
            <li key={path}>
              <a
                href={'#' + idFor(path)}
                onClick={(e) => {
                  e.preventDefault();
                  const el = document.getElementById(idFor(path));
                  el?.focus();
                  el?.scrollIntoView({ block: 'center' });
                }}
              >
                {path ? label(path) + ': ' : ''}
                {translateMessage(message)}
              </a>
            </li>
          ))}
        </ul>
      )}
      {entries.length > 0 && general && <p>{general}</p>}
    </div>
  );
}
