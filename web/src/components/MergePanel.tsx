// Merging the two persons of a reviewed pair into one, and undoing it
// (POST /linkage/merges, POST /linkage/merges/{id}/undo; doc/linkage.md,
// section 7a). The person chooses who stays; the answer says how many
// references (an act's victim, a case's client ...) now point to the
// survivor, counting those the user may not see without naming them.
// Shown only to roles with linkage:write; the server checks it too.
import { useEffect, useState } from 'preact/hooks';
import { api, get } from '../lib/api';
import { formatNumber, t } from '../lib/i18n';
import { useTitles } from '../lib/titles';
import { can } from '../lib/session';
import { recordPath } from '../lib/types';
import { ErrorBox, RecordLink } from './ui';

export interface MergePerson {
  id: string;
  names?: { value: string }[];
}
// A field the merged persons disagree on: the survivor's value stays.
interface Conflict {
  field: string;
  person_id: string;
  kept?: unknown;
  other?: unknown;
}
interface Change {
  id: string;
  type: string;
  path: string;
}
export interface MergeAnswer {
  id: string;
  survivor_id: string;
  absorbed_ids: string[];
  merged_by: string;
  merged_at: string;
  undone: boolean;
  conflicts?: Conflict[];
  repointed?: Change[];
  repointed_hidden?: number;
  pointed_back?: Change[];
  pointed_back_hidden?: number;
  skipped?: Change[];
  skipped_hidden?: number;
}

const valueText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

// What each list said where they disagree, so that the reviewer sees the
// values set aside and can correct the survivor if the wrong one stayed.
function Conflicts({ conflicts }: { conflicts: Conflict[] }) {
  if (!conflicts.length) return null;
  return (
    <div class="merge-conflicts">
      <p class="small">
        {t('merge.conflicts', { fields: [...new Set(conflicts.map((c) => c.field))].join(', ') })}
      </p>
      <table class="small">
        <thead>
          <tr>
            <th scope="col">{t('merge.field')}</th>
            <th scope="col">{t('merge.kept')}</th>
            <th scope="col">{t('merge.other')}</th>
          </tr>
        </thead>
        <tbody>
          {conflicts.map((c) => (
            <tr key={c.field + c.person_id}>
              <td>{c.field}</td>
              <td>{valueText(c.kept)}</td>
              <td>
                {valueText(c.other)} <a href={recordPath('person', c.person_id)} class="muted">{c.person_id}</a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const nameOf = (p: MergePerson) => (p.names ?? []).map((n) => n.value).join(' / ') || p.id;

// The records a merge (or its undoing) changed, as links.
function Changes({ changes }: { changes: Change[] }) {
  const titles = useTitles(changes.map((c) => c.id));
  if (!changes.length) return null;
  return (
    <ul class="small merge-changes">
      {changes.map((c) => {
        const info = titles.get(c.id);
        return (
          <li key={c.id + c.path}>
            {info ? <RecordLink info={info} /> : <a href={recordPath(c.type, c.id)}>{c.id}</a>}{' '}
            <span class="muted">{c.path}</span>
          </li>
        );
      })}
    </ul>
  );
}

// Changed records the user may see, plus those counted without being named.
const count = (changes?: Change[], hidden?: number) => (changes?.length ?? 0) + (hidden ?? 0);

// What a merge did, with its undo button; `onUndone` gets the answer.
export function MergeResult({ merge, onUndone }: { merge: MergeAnswer; onUndone: (m: MergeAnswer) => void }) {
  if (merge.undone) {
    const skipped = count(merge.skipped, merge.skipped_hidden);
    return (
      <div class="merge-result" role="status">
        <p>
          {t('merge.undone', { n: formatNumber(count(merge.pointed_back, merge.pointed_back_hidden)) })}
        </p>
        <Changes changes={merge.pointed_back ?? []} />
        {skipped > 0 && (
          <>
            <p>{t('merge.skipped', { n: formatNumber(skipped) })}</p>
            <Changes changes={merge.skipped ?? []} />
          </>
        )}
      </div>
    );
  }
  const shown = merge.repointed?.length ?? 0;
  const hidden = merge.repointed_hidden ?? 0;
  return (
    <div class="merge-result" role="status">
      <p>
        {t('merge.done')} <a href={recordPath('person', merge.survivor_id)}>{t('merge.open')}</a>
      </p>
      <p class="merge-repointed">
        {t('merge.repointed', { n: formatNumber(shown + hidden) })}
        {hidden > 0 && ' ' + t('merge.hidden', { n: formatNumber(hidden) })}
      </p>
      <Changes changes={merge.repointed ?? []} />
      <Conflicts conflicts={merge.conflicts ?? []} />
      <UndoButton merge={merge} onUndone={onUndone} />
    </div>
  );
}

// After "same": choose who stays and merge.
export function MergeChoice({
  left,
  right,
  jobId,
  onMerged,
}: {
  left: MergePerson;
  right: MergePerson;
  jobId?: string;
  onMerged: (m: MergeAnswer) => void;
}) {
  const [survivor, setSurvivor] = useState(left.id);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const merge = async () => {
    setBusy(true);
    setError(null);
    try {
      onMerged(
        await api<MergeAnswer>('POST', '/linkage/merges', {
          survivor_id: survivor,
          absorbed_ids: [survivor === left.id ? right.id : left.id],
          job_id: jobId,
        }),
      );
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <fieldset class="merge-choice">
      <legend>{t('merge.survivor')}</legend>
      {[left, right].map((p) => (
        <label key={p.id} class="merge-option">
          <input
            type="radio"
            name="merge-survivor"
            value={p.id}
            checked={survivor === p.id}
            onChange={() => setSurvivor(p.id)}
          />{' '}
          {nameOf(p)}
        </label>
      ))}
      <p class="hint muted small">{t('merge.hint')}</p>
      <ErrorBox error={error} />
      <button type="button" class="primary" disabled={busy} onClick={merge}>
        {t('merge.submit')}
      </button>
    </fieldset>
  );
}

// The latest merges, each with its undo while it stands: a merge can be
// undone after the page was left.
// `current` is the merge the page shows with its own undo.
export function MergeHistory({ version, current }: { version: number; current?: string }) {
  const [items, setItems] = useState<MergeAnswer[] | null>(null);
  const [undone, setUndone] = useState<MergeAnswer | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    get<{ items: MergeAnswer[] }>('/linkage/merges')
      .then((a) => setItems(a.items.slice(0, 10)))
      .catch(setError);
  }, [version]);
  const titles = useTitles((items ?? []).map((m) => m.survivor_id));
  if (!items?.length && !error) return null;
  return (
    <section class="merge-history" aria-labelledby="merge-history-title">
      <h2 id="merge-history-title">{t('merge.history')}</h2>
      <ErrorBox error={error} />
      {undone && <MergeResult merge={undone} onUndone={() => {}} />}
      <ul>
        {(items ?? []).map((m) => {
          const info = titles.get(m.survivor_id);
          return (
            <li key={m.id}>
              {info ? <RecordLink info={info} /> : m.survivor_id}{' '}
              <span class="muted small">
                {t('merge.line', { n: m.absorbed_ids.length, by: m.merged_by, at: m.merged_at.slice(0, 10) })}
                {m.undone && ' — ' + t('merge.undone_tag')}
              </span>{' '}
              {!m.undone && m.id !== current && can('linkage:write') && (
                <UndoButton
                  merge={m}
                  onUndone={(answer) => {
                    setUndone(answer);
                    setItems(items!.map((i) => (i.id === m.id ? answer : i)));
                  }}
                />
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function UndoButton({ merge, onUndone }: { merge: MergeAnswer; onUndone: (m: MergeAnswer) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <>
      <button
        type="button"
        class="secondary small"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            onUndone(await api<MergeAnswer>('POST', `/linkage/merges/${merge.id}/undo`));
          } catch (e) {
            setError(e);
          } finally {
            setBusy(false);
          }
        }}
      >
        {t('merge.undo')}
      </button>
      <ErrorBox error={error} />
    </>
  );
}
