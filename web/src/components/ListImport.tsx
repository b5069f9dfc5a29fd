// Importing a victim list for record linkage: the person picks a CSV or
// XLSX file, the server reads it (POST /linkage/lists/preview: encodings
// and XLSX are src/tabular's business, not the browser's) and shows its
// columns with the first rows; the person says what each column holds and
// imports it (POST /linkage/lists). Part of the review page's chunk.
import { useState } from 'preact/hooks';
import { api } from '../lib/api';
import { formatNumber, t, type Key } from '../lib/i18n';
import { ErrorBox } from './ui';

interface Preview {
  filename: string;
  encoding: string;
  header: string[];
  rows: string[][];
  row_count: number;
}

// The roles of `kuzot reconcile --map` (doc/linkage.md); '' leaves a
// column out of the import.
export const ROLES = [
  'full_name',
  'last_name',
  'first_name',
  'patronymic',
  'birth_date',
  'birth_year',
  'age',
  'sex',
  'place',
  'address',
  'document_id',
  'id',
  'other',
] as const;

// A first guess from the column's heading, in the languages lists come
// in; the person checks it before importing.
const GUESSES: [RegExp, string][] = [
  [/фио|full.?name|^name$|^имя и фамилия|аты-жөнү/i, 'full_name'],
  [/фамилия|surname|last.?name|фамилиясы/i, 'last_name'],
  [/отчество|patronymic|атасынын аты/i, 'patronymic'],
  [/^имя$|first.?name|given|^аты$/i, 'first_name'],
  [/дата рожд|birth.?date|date of birth|^born$|туулган күн/i, 'birth_date'],
  [/год|year|жыл/i, 'birth_year'],
  [/возраст|^age$|жашы/i, 'age'],
  [/^пол$|^sex$|gender|жынысы/i, 'sex'],
  [/село|village|place|район|district|населен|айыл|жер/i, 'place'],
  [/адрес|address|дарек/i, 'address'],
  [/паспорт|passport|document|документ/i, 'document_id'],
  [/^(id|№|n|no\.?|#)$/i, 'id'],
];

export function guessRole(heading: string): string {
  for (const [pattern, role] of GUESSES) if (pattern.test(heading.trim())) return role;
  return '';
}

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

export function ListImport({ onImported }: { onImported: () => void }) {
  const [content, setContent] = useState('');
  const [preview, setPreview] = useState<Preview | null>(null);
  const [roles, setRoles] = useState<string[]>([]);
  const [name, setName] = useState('');
  const [eventDate, setEventDate] = useState('');
  const [busy, setBusy] = useState(false);
  // Changed after an import, so that the file input starts empty again.
  const [inputKey, setInputKey] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<{ persons: number; name: string; warnings: string[] } | null>(null);

  const choose = async (file: File | null) => {
    setPreview(null);
    setError(null);
    setDone(null);
    if (!file) return;
    setBusy(true);
    try {
      const bytes = await readBase64(file);
      const answer = await api<Preview>('POST', '/linkage/lists/preview', {
        filename: file.name,
        content_base64: bytes,
      });
      setContent(bytes);
      setPreview(answer);
      setRoles(answer.header.map(guessRole));
      setName(file.name.replace(/\.[^.]+$/, ''));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const hasName = roles.some((r) => r === 'full_name' || r === 'last_name' || r === 'first_name');
  const hasAge = roles.includes('age');
  const submit = async () => {
    if (!preview) return;
    setBusy(true);
    setError(null);
    try {
      const columns: Record<string, string> = {};
      preview.header.forEach((h, i) => roles[i] && (columns[h] = roles[i]));
      const answer = await api<{ persons: number; list: { name: string }; warnings: string[] }>(
        'POST',
        '/linkage/lists',
        {
          filename: preview.filename,
          content_base64: content,
          columns,
          name: name.trim() || undefined,
          event_date: hasAge && eventDate ? eventDate : undefined,
        },
      );
      setDone({ persons: answer.persons, name: answer.list.name, warnings: answer.warnings ?? [] });
      setPreview(null);
      setContent('');
      setInputKey((k) => k + 1);
      onImported();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      class="list-import review-panel"
      aria-labelledby="list-import-title"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2 id="list-import-title">{t('linkimport.title')}</h2>
      <div class="field">
        <label for="list-import-file">{t('linkimport.file')}</label>
        <input
          key={inputKey}
          id="list-import-file"
          type="file"
          accept=".csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          disabled={busy}
          onChange={(e) => void choose((e.target as HTMLInputElement).files?.[0] ?? null)}
        />
        <p class="hint muted small">{t('linkimport.file_hint')}</p>
      </div>
      {/* The server's message names the file, row and column. */}
      <ErrorBox error={error} />
      {done && (
        <div role="status" class="list-import-done">
          <p>{t('linkimport.done', { n: formatNumber(done.persons), name: done.name })}</p>
          {done.warnings.length > 0 && (
            <ul class="small">
              {done.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {preview && (
        <>
          <p class="small muted">
            {t('linkimport.read', {
              rows: formatNumber(preview.row_count),
              encoding: preview.encoding,
            })}
          </p>
          <div class="table-wrap">
            <table class="list-import-columns">
              <caption>{t('linkimport.columns')}</caption>
              <thead>
                <tr>
                  {preview.header.map((h, i) => (
                    <th scope="col" key={h}>
                      <label for={'list-import-role-' + i}>{h}</label>
                      <select
                        id={'list-import-role-' + i}
                        value={roles[i]}
                        onChange={(e) => {
                          const next = roles.slice();
                          next[i] = (e.target as HTMLSelectElement).value;
                          setRoles(next);
                        }}
                      >
                        <option value="">{t('linkimport.role.skip')}</option>
                        {ROLES.map((r) => (
                          <option key={r} value={r}>
                            {t(('linkimport.role.' + r) as Key)}
                          </option>
                        ))}
                      </select>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {preview.rows.map((row, n) => (
                  <tr key={n}>
                    {row.map((cell, i) => (
                      <td key={i}>{cell}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div class="field">
            <label for="list-import-name">{t('linkimport.name')}</label>
            <input
              id="list-import-name"
              type="text"
              value={name}
              onInput={(e) => setName((e.target as HTMLInputElement).value)}
            />
          </div>
          {hasAge && (
            <div class="field">
              <label for="list-import-event">{t('linkimport.event_date')}</label>
              <input
                id="list-import-event"
                type="date"
                value={eventDate}
                onInput={(e) => setEventDate((e.target as HTMLInputElement).value)}
              />
            </div>
          )}
          {!hasName && <p class="error-text small">{t('linkimport.need_name')}</p>}
          <div class="form-actions">
            <button type="submit" class="primary" disabled={busy || !hasName}>
              {t('linkimport.submit', { n: formatNumber(preview.row_count) })}
            </button>
          </div>
        </>
      )}
    </form>
  );
}
