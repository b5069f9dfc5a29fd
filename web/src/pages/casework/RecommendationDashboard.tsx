// Where the recommendations stand: counted by implementation status in
// total and per issuing body, theme, SDG, addressee, State position and
// year (GET /api/v1/casework/recommendation-dashboard), with filters in the
// address; and what changed since a date (…/recommendation-changes).
import { useEffect, useState } from 'preact/hooks';
import { get } from '../../lib/api';
import { formatFuzzyDate, formatTimestamp } from '../../lib/dates';
import { formatNumber, lang, plural, t } from '../../lib/i18n';
import { navigate, withQuery, type RouteProps } from '../../lib/router';
import { termLabel, terms } from '../../lib/schema';
import { recordPath } from '../../lib/types';
import { Empty, ErrorBox, Loading, PageTitle } from '../../components/ui';
import { BarTable, rowLabel, type BarRow } from './common';

const STATUSES = ['not_implemented', 'partially_implemented', 'fully_implemented', 'unknown'];
const FILTERS: [string, string][] = [
  ['issuing_body', 'recommending_body'],
  ['themes', 'theme'],
  ['sdgs', 'sdg'],
  ['state_position', 'state_position'],
];

interface Row {
  code?: string | null;
  labels?: Record<string, string> | null;
  organization_id?: string | null;
  name?: string | null;
  year?: number | null;
  total: number;
  by_status: Record<string, number>;
}

interface Dashboard {
  total: number;
  never_assessed: number;
  by_status: Record<string, { count: number }>;
  by_body: Row[];
  by_theme: Row[];
  by_sdg: Row[];
  by_addressee: Row[];
  by_state_position: Row[];
  by_year: Row[];
}

// The list of recommendations behind a row: the same filters plus the row's.
function listHref(query: URLSearchParams, field: string, value: string | number | null | undefined) {
  if (value === null || value === undefined) return undefined;
  const q = new URLSearchParams();
  for (const [k] of FILTERS) if (query.get(k)) q.set(k, query.get(k)!);
  q.set(field, String(value));
  return '/recommendations?' + q.toString();
}

export function RecommendationDashboard({ query }: RouteProps) {
  const [data, setData] = useState<Dashboard | null>(null);
  const [error, setError] = useState<unknown>(null);
  const key = query.toString();
  useEffect(() => {
    setError(null);
    const q: Record<string, string> = {};
    for (const [k] of FILTERS) if (query.get(k)) q[k] = query.get(k)!;
    get<Dashboard>('/casework/recommendation-dashboard', q).then(setData, setError);
  }, [key]);
  const statusLabels = Object.fromEntries(STATUSES.map((s) => [s, termLabel('implementation_status', s)]));
  const rows = (list: Row[], describe: (r: Row) => { key: string; label: string; href?: string }): BarRow[] =>
    list.map((r) => ({
      ...describe(r),
      count: r.total,
      parts: STATUSES.map((s) => ({ key: s, count: r.by_status[s] ?? 0 })),
    }));
  const none = t('cw.none_given');
  const coded = (field: string) => (r: Row) => ({
    key: r.code ?? '',
    label: rowLabel(r.labels, r.code, none),
    href: listHref(query, field, r.code),
  });
  return (
    <div>
      <PageTitle sub={<a href="/recommendations">{t('cw.rec.all')}</a>}>{t('cw.rec.title')}</PageTitle>
      <div class="cw-filters">
        {FILTERS.map(([field, vocabulary]) => (
          <div key={field}>
            <label for={'rf-' + field}>{t(('cw.rec.by_' + field) as any)}</label>
            <select
              id={'rf-' + field}
              value={query.get(field) ?? ''}
              onChange={(e) =>
                navigate(
                  withQuery('/recommendations/dashboard', query, { [field]: (e.target as HTMLSelectElement).value }),
                  true,
                )
              }
            >
              <option value="">{t('cw.all')}</option>
              {terms(vocabulary).map((o) => (
                <option key={o.code} value={o.code}>
                  {o.labels[lang()] ?? o.labels.en}
                </option>
              ))}
            </select>
          </div>
        ))}
      </div>
      <ErrorBox error={error} />
      {!data && !error && <Loading />}
      {data && data.total === 0 && <Empty>{t('list.none')}</Empty>}
      {data && data.total > 0 && (
        <>
          <ul class="cards" aria-label={t('cw.rec.by_status')}>
            <li>
              <span class="card">
                <span class="card-number">{formatNumber(data.total)}</span>
                <span class="card-label">{t('cw.rec.total')}</span>
              </span>
            </li>
            {STATUSES.map((s) => (
              <li key={s}>
                <a class="card" href={listHref(query, 'status', s)}>
                  <span class="card-number">{formatNumber(data.by_status[s]?.count ?? 0)}</span>
                  <span class="card-label">{statusLabels[s]}</span>
                </a>
              </li>
            ))}
          </ul>
          <p class="muted">{plural('cw.rec.never_assessed', data.never_assessed)}</p>
          <BarTable
            caption={t('cw.rec.by_issuing_body')}
            head={t('cw.rec.body')}
            partLabels={statusLabels}
            rows={rows(data.by_body, coded('issuing_body'))}
          />
          <BarTable
            caption={t('cw.rec.by_addressee')}
            head={t('cw.rec.addressee')}
            partLabels={statusLabels}
            rows={rows(data.by_addressee, (r) => ({
              key: r.organization_id ?? '',
              label: r.name ?? (r.organization_id ? '…' : none),
              href: listHref(query, 'addressee_ids', r.organization_id),
            }))}
          />
          <BarTable
            caption={t('cw.rec.by_themes')}
            head={t('cw.rec.theme')}
            partLabels={statusLabels}
            rows={rows(data.by_theme, coded('themes'))}
          />
          <BarTable
            caption={t('cw.rec.by_sdgs')}
            head={t('cw.rec.sdg')}
            partLabels={statusLabels}
            rows={rows(data.by_sdg, coded('sdgs'))}
          />
          <BarTable
            caption={t('cw.rec.by_state_position')}
            head={t('cw.rec.position')}
            partLabels={statusLabels}
            rows={rows(data.by_state_position, coded('state_position'))}
          />
          <BarTable
            caption={t('cw.rec.by_year')}
            head={t('cw.rec.year')}
            partLabels={statusLabels}
            rows={rows(data.by_year, (r) => ({
              key: String(r.year ?? ''),
              label: r.year ? String(r.year) : none,
              href: listHref(query, 'year', r.year),
            }))}
          />
        </>
      )}
      <Changes />
    </div>
  );
}

interface Change {
  id: string;
  title: string;
  created: boolean;
  status_before: string | null;
  status_now: string;
  status_changed?: boolean;
  updated_at: string;
  updated_by: string;
  new_assessments: { date: string; status: string; assessed_by?: string; evidence_summary?: string }[];
}

// What changed since a date: new recommendations and new assessments.
function Changes() {
  const [since, setSince] = useState(() => {
    const d = new Date();
    d.setMonth(d.getMonth() - 3);
    return d.toISOString().slice(0, 10);
  });
  const [data, setData] = useState<{ status_changed: number; items: Change[] } | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(since)) return;
    setError(null);
    get('/casework/recommendation-changes', { since }).then(setData, setError);
  }, [since]);
  return (
    <section aria-labelledby="changes-title">
      <h2 id="changes-title">{t('cw.rec.changes')}</h2>
      <label for="changes-since">{t('cw.rec.since')}</label>{' '}
      <input
        id="changes-since"
        type="date"
        value={since}
        onInput={(e) => setSince((e.target as HTMLInputElement).value)}
      />
      <ErrorBox error={error} />
      {data && (
        <>
          <p class="muted">
            {plural('cw.rec.changed_n', data.items.length)} · {plural('cw.rec.status_changed_n', data.status_changed)}
          </p>
          <ul class="recent changes">
            {data.items.map((c) => (
              <li key={c.id}>
                <a href={recordPath('recommendation', c.id)}>{c.title}</a>
                <div class="small">
                  {c.created
                    ? t('cw.rec.new')
                    : c.status_changed
                      ? termLabel('implementation_status', c.status_before) +
                        ' → ' +
                        termLabel('implementation_status', c.status_now)
                      : termLabel('implementation_status', c.status_now)}
                  {' · '}
                  {t('history.by', { who: c.updated_by, when: formatTimestamp(c.updated_at) })}
                </div>
                {c.new_assessments.map((a, i) => (
                  <div class="muted small" key={i}>
                    {formatFuzzyDate(a.date)}: {termLabel('implementation_status', a.status)}
                    {a.assessed_by ? ' (' + a.assessed_by + ')' : ''}
                    {a.evidence_summary ? ' — ' + a.evidence_summary : ''}
                  </div>
                ))}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
