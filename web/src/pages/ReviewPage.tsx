// The review queue of record linkage: the doubtful pairs of the latest
// reconciliation job, side by side with what each list said and why the
// pair scored as it did; the reviewer answers same / different / unsure.
// Those who may write persons also import lists here, and merge a pair
// they found the same (and undo the merge).
// Loaded on demand (few users open it). API: doc/linkage.md, section 7a.
import { useEffect, useState } from 'preact/hooks';
import { api, get } from '../lib/api';
import { t, formatNumber } from '../lib/i18n';
import { can } from '../lib/session';
import { ListImport } from '../components/ListImport';
import { MergeChoice, MergeHistory, MergeResult, type MergeAnswer } from '../components/MergePanel';
import { Empty, ErrorBox, Loading, PageTitle } from '../components/ui';

interface Job {
  id: string;
  state: string;
  progress?: { stage: string; done: number; total: number };
  result?: { persons: number; links: number; review_pairs: number; clusters: number };
  error?: string;
}
interface List {
  id: string;
  name: string;
  rows: number;
  created_at: string;
}
interface Field {
  field: string;
  level: string;
  weight: number;
  tf_weight: number;
}
interface Row {
  list: string;
  row: number;
  cells: Record<string, string>;
}
interface Person {
  id: string;
  names?: { value: string }[];
  birth_date?: string;
  age_at_event?: number;
  sex?: string;
}
interface Item {
  left: Person;
  right: Person;
  probability: number;
  explanation: { prior_weight: number; fields: Field[]; weight: number };
  provenance: { left: Row[]; right: Row[] };
}

function Side({ person, rows, label }: { person: Person; rows: Row[]; label: string }) {
  return (
    <section class="review-side" aria-label={label}>
      <h2>{(person.names ?? []).map((n) => n.value).join(' / ')}</h2>
      <dl>
        {person.birth_date && (
          <>
            <dt>{t('review.birth')}</dt>
            <dd>{person.birth_date}</dd>
          </>
        )}
        {person.age_at_event !== undefined && (
          <>
            <dt>{t('review.age')}</dt>
            <dd>{person.age_at_event}</dd>
          </>
        )}
        {person.sex && (
          <>
            <dt>{t('review.sex')}</dt>
            <dd>{person.sex}</dd>
          </>
        )}
      </dl>
      {rows.map((r) => (
        <div class="review-row" key={r.list + r.row}>
          <h3>{t('review.said', { list: r.list, row: r.row })}</h3>
          <dl>
            {Object.entries(r.cells).map(([column, value]) => (
              <>
                <dt>{column}</dt>
                <dd>{value}</dd>
              </>
            ))}
          </dl>
        </div>
      ))}
    </section>
  );
}

// One end of the doubtful range, in percent.
function Percent({ label, value, set }: { label: string; value: number; set: (v: number) => void }) {
  return (
    <input
      type="number"
      min={1}
      max={100}
      aria-label={label}
      value={value}
      onInput={(e) => set(Number((e.target as HTMLInputElement).value))}
    />
  );
}

export function ReviewPage() {
  const [job, setJob] = useState<Job | null | undefined>(undefined);
  const [items, setItems] = useState<Item[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [lists, setLists] = useState<List[]>([]);
  // The lists the next job reconciles; all of them unless unticked.
  const [unticked, setUnticked] = useState<string[]>([]);
  // The pair answered "same" that may now be merged, and the merge.
  const [same, setSame] = useState<Item | null>(null);
  const [merge, setMerge] = useState<MergeAnswer | null>(null);
  const [merges, setMerges] = useState(0);
  // A merge made or undone: shown here, and "Recent merges" reloads.
  const showMerge = (m: MergeAnswer) => {
    setMerge(m);
    setMerges((n) => n + 1);
  };
  // The doubtful range, in percent (the server's defaults).
  const [range, setRange] = useState<[number, number]>([10, 95]);

  const loadLists = async () => {
    try {
      setLists((await get<{ items: List[] }>('/linkage/lists')).items);
    } catch (e) {
      setError(e);
    }
  };
  const loadQueue = async (j: Job) => {
    const answer = await get<{ items: Item[] }>(`/linkage/jobs/${j.id}/review`, { undecided: 'true', limit: 20 });
    setItems(answer.items);
  };
  const loadJob = async () => {
    try {
      const jobs = await get<{ items: Job[] }>('/linkage/jobs');
      const latest = jobs.items[0] ?? null;
      setJob(latest);
      if (latest?.state === 'done') await loadQueue(latest);
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => {
    loadJob();
    loadLists();
  }, []);
  // Poll a running job until it ends.
  useEffect(() => {
    if (!job || (job.state !== 'queued' && job.state !== 'running')) return;
    const timer = setTimeout(loadJob, 500);
    return () => clearTimeout(timer);
  }, [job]);

  const start = async () => {
    setError(null);
    try {
      const chosen = lists.filter((l) => !unticked.includes(l.id)).map((l) => l.id);
      setJob(
        await api<Job>('POST', '/linkage/jobs', {
          list_ids: chosen.length < lists.length ? chosen : undefined,
          review_min: range[0] / 100,
          review_max: range[1] / 100,
        }),
      );
      setItems(null);
      setSame(null);
      setMerge(null);
    } catch (e) {
      setError(e);
    }
  };
  const decide = async (item: Item, decision: string) => {
    setBusy(true);
    setError(null);
    try {
      await api('POST', '/linkage/decisions', {
        left_id: item.left.id,
        right_id: item.right.id,
        decision,
        job_id: job?.id,
      });
      // A pair found the same may be merged before moving on.
      if (decision === 'same' && can('linkage:write')) setSame(item);
      else next(item);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const next = (done: Item) => {
    setSame(null);
    setMerge(null);
    setItems((list) => (list ?? []).filter((i) => i !== done));
  };

  const item = items?.[0];
  const running = job?.state === 'queued' || job?.state === 'running';
  const progress = job?.progress;
  return (
    <div class="review-page">
      <PageTitle>{t('review.title')}</PageTitle>
      <ErrorBox error={error} />
      {job === undefined && <Loading />}
      {job === null && <Empty>{t('review.no_job')}</Empty>}
      {job && (
        <p class="review-job" aria-live="polite">
          {job.state === 'done' && job.result
            ? t('review.summary', {
                persons: formatNumber(job.result.persons),
                links: formatNumber(job.result.links),
                doubtful: formatNumber(job.result.review_pairs),
              })
            : job.state === 'failed'
              ? t('review.failed', { error: job.error ?? '' })
              : t('review.running', {
                  stage: job.progress?.stage ?? job.state,
                  done: job.progress?.done ?? 0,
                  total: job.progress?.total ?? 0,
                })}
        </p>
      )}
      {running && (
        <progress
          class="review-progress"
          aria-label={t('review.progress')}
          max={progress?.total || 1}
          value={progress?.total ? progress.done : undefined}
        />
      )}
      {can('linkage:write') && <ListImport onImported={loadLists} />}
      {lists.length > 0 && (
        <fieldset class="review-lists">
          <legend>{t('review.lists')}</legend>
          {lists.map((l) => (
            <label key={l.id} class="review-list">
              <input
                type="checkbox"
                checked={!unticked.includes(l.id)}
                disabled={!can('linkage:review')}
                onChange={(e) =>
                  setUnticked((u) =>
                    (e.target as HTMLInputElement).checked ? u.filter((id) => id !== l.id) : [...u, l.id],
                  )
                }
              />{' '}
              {l.name} <span class="muted small">{t('review.list_rows', { n: formatNumber(l.rows) })}</span>
            </label>
          ))}
        </fieldset>
      )}
      {can('linkage:review') && lists.length > 0 && (
        <p class="review-range">
          {t('review.range')}{' '}
          <Percent label={t('review.range_min')} value={range[0]} set={(v) => setRange([v, range[1]])} />
          {' – '}
          <Percent label={t('review.range_max')} value={range[1]} set={(v) => setRange([range[0], v])} /> %
        </p>
      )}
      {can('linkage:review') && (
        <button
          type="button"
          class="primary"
          onClick={start}
          disabled={running || lists.length === 0 || unticked.length === lists.length}
        >
          {job ? t('review.start') : t('review.start_first')}
        </button>
      )}
      {job?.state === 'done' && items && !item && <Empty>{t('review.empty')}</Empty>}
      {item && (
        <article class="review-pair">
          <p class="review-probability">{t('review.probability', { p: Math.round(item.probability * 100) })}</p>
          <div class="review-sides">
            <Side person={item.left} rows={item.provenance.left} label={t('review.left')} />
            <Side person={item.right} rows={item.provenance.right} label={t('review.right')} />
          </div>
          <table class="review-explanation">
            <caption>{t('review.why')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('review.field')}</th>
                <th scope="col">{t('review.level')}</th>
                <th scope="col">{t('review.weight')}</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <td>{t('review.prior')}</td>
                <td></td>
                <td>{item.explanation.prior_weight.toFixed(1)}</td>
              </tr>
              {item.explanation.fields.map((f) => (
                <tr key={f.field}>
                  <td>{f.field}</td>
                  <td>{f.level}</td>
                  <td>{(f.weight + f.tf_weight).toFixed(1)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {same === item && (
            <div class="review-merge">
              {merge ? (
                <MergeResult
                  merge={merge}
                  onUndone={showMerge}
                />
              ) : (
                <MergeChoice
                  left={item.left}
                  right={item.right}
                  jobId={job?.id}
                  onMerged={showMerge}
                />
              )}
              <button type="button" class="secondary" onClick={() => next(item)}>
                {t('review.next')}
              </button>
            </div>
          )}
          {can('linkage:review') && same !== item && (
            <div class="review-buttons">
              <button type="button" disabled={busy} onClick={() => decide(item, 'same')}>
                {t('review.same')}
              </button>
              <button type="button" disabled={busy} onClick={() => decide(item, 'different')}>
                {t('review.different')}
              </button>
              <button type="button" disabled={busy} onClick={() => decide(item, 'unsure')}>
                {t('review.unsure')}
              </button>
            </div>
          )}
        </article>
      )}
      {can('linkage:read') && <MergeHistory version={merges} current={merge?.id} />}
    </div>
  );
}
