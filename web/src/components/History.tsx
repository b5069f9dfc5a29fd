// Every revision of a record, newest first: who, when, what changed, with
// the words added and removed in texts.
import { useEffect, useState } from 'preact/hooks';
import { get } from '../lib/api';
import { formatTimestamp } from '../lib/dates';
import { t, tOr } from '../lib/i18n';
import { fieldLabel, type Field } from '../lib/schema';
import { referencedIds, useTitles } from '../lib/titles';
import { FieldValue } from './FieldValue';
import { ErrorBox, Loading } from './ui';

interface Change {
  field: string;
  before: unknown;
  after: unknown;
}

interface Revision {
  revision: number;
  op: string;
  at: string;
  by: string;
  hidden?: boolean;
  deleted?: boolean;
  changes?: Change[];
}

// Word-level differences of two texts: [kind, text] with kind "=", "-", "+".
export function wordDiff(a: string, b: string): [string, string][] {
  const x = a.split(/(\s+)/);
  const y = b.split(/(\s+)/);
  if (x.length * y.length > 250000)
    return [
      ['-', a],
      ['+', b],
    ];
  const n = x.length;
  const m = y.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out: [string, string][] = [];
  const push = (kind: string, text: string) => {
    const last = out[out.length - 1];
    if (last && last[0] === kind) last[1] += text;
    else out.push([kind, text]);
  };
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (x[i] === y[j]) {
      push('=', x[i]);
      i++;
      j++;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
      push('-', x[i++]);
    } else {
      push('+', y[j++]);
    }
  }
  while (i < n) push('-', x[i++]);
  while (j < m) push('+', y[j++]);
  return out;
}

function TextDiff({ before, after }: { before: string; after: string }) {
  return (
    <span class="text-diff">
      {wordDiff(before, after).map(([kind, text], i) =>
        kind === '=' ? (
          <span key={i}>{text}</span>
        ) : kind === '-' ? (
          <del key={i}>{text}</del>
        ) : (
          <ins key={i}>{text}</ins>
        ),
      )}
    </span>
  );
}

interface Props {
  type: string;
  plural: string;
  id: string;
  fields: Field[];
  revision: number; // reloads when the record changes
}

export function History({ type, plural, id, fields, revision }: Props) {
  const [revisions, setRevisions] = useState<Revision[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    get<{ revisions: Revision[] }>(`/${plural}/${id}/history`).then(
      (h) => setRevisions([...h.revisions].reverse()),
      setError,
    );
  }, [id, revision]);
  const ids = (revisions ?? []).flatMap((r) =>
    (r.changes ?? []).flatMap((c) => {
      const f = fields.find((x) => x.name === c.field);
      return f ? [...referencedIds({ [f.name]: c.before }, [f]), ...referencedIds({ [f.name]: c.after }, [f])] : [];
    }),
  );
  const titles = useTitles([...new Set(ids)]);
  if (error) return <ErrorBox error={error} />;
  if (!revisions) return <Loading />;
  return (
    <ul class="history">
      {revisions.map((r, index) => (
        <li key={r.revision}>
          <details open={index === 0}>
            <summary>
              <span class="history-op">{tOr('op.' + r.op, r.op)}</span>{' '}
              {t('history.by', { who: r.by, when: formatTimestamp(r.at) })}{' '}
              <span class="muted small">({t('history.revision', { n: r.revision })})</span>
            </summary>
            {r.changes && r.changes.length > 0 && (
              <table class="diff">
                <caption class="sr-only">{t('history.changes', { n: r.revision })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('history.field')}</th>
                    {r.op !== 'create' && <th scope="col">{t('history.before')}</th>}
                    <th scope="col">{r.op === 'create' ? t('history.value') : t('history.after')}</th>
                  </tr>
                </thead>
                <tbody>
                  {r.changes.map((c) => {
                    const f = fields.find((x) => x.name === c.field) ?? ({ name: c.field, kind: 'string' } as Field);
                    const texts =
                      typeof c.before === 'string' &&
                      typeof c.after === 'string' &&
                      (f.kind === 'text' || f.kind === 'string');
                    return (
                      <tr key={c.field}>
                        <th scope="row">{fieldLabel(type, f)}</th>
                        {r.op !== 'create' && (
                          <td class="before">
                            {c.before === null || c.before === undefined ? (
                              <span class="muted">—</span>
                            ) : (
                              <FieldValue type={type} field={f} value={c.before} titles={titles} />
                            )}
                          </td>
                        )}
                        <td class={r.op === 'create' ? '' : 'after'}>
                          {texts && r.op !== 'create' ? (
                            <TextDiff before={c.before as string} after={c.after as string} />
                          ) : c.after === null || c.after === undefined ? (
                            <span class="muted">{t('history.removed')}</span>
                          ) : (
                            <FieldValue type={type} field={f} value={c.after} titles={titles} />
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )}
          </details>
        </li>
      ))}
    </ul>
  );
}
