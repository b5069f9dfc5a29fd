// The review queue of record linkage: the doubtful pairs of the latest
// reconciliation job, side by side with what each list said and why the
// pair scored as it did; the reviewer answers same / different / unsure.
// Loaded on demand (few users open it). API: doc/linkage.md, section 7a.
import { useEffect, useState } from 'preact/hooks';
import { api, get } from '../lib/api';
import { t, formatNumber } from '../lib/i18n';
import { can } from '../lib/session';
import { Empty, ErrorBox, Loading, PageTitle } from '../components/ui';

interface Job {
  id: string;
  state: string;
  progress?: { stage: string; done: number; total: number };
  result?: { persons: number; links: number; review_pairs: number; clusters: number };
  error?: string;
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

export function ReviewPage() {
  const [job, setJob] = useState<Job | null | undefined>(undefined);
  const [items, setItems] = useState<Item[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

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
      setJob(await api<Job>('POST', '/linkage/jobs', {}));
      setItems(null);
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
      setItems((list) => (list ?? []).filter((i) => i !== item));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const item = items?.[0];
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
      {can('linkage:review') && (
        <button type="button" onClick={start} disabled={job?.state === 'queued' || job?.state === 'running'}>
          {t('review.start')}
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
          {can('linkage:review') && (
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
    </div>
  );
}
