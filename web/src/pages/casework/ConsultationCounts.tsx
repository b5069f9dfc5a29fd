// Consultations of a period counted for reports: by problem category,
// region, vulnerable group, sex, age group, channel and month, and how many
// became cases (GET /api/v1/casework/consultation-counts).
import { useEffect, useState } from 'preact/hooks';
import { get } from '../../lib/api';
import { formatNumber, t } from '../../lib/i18n';
import { navigate, withQuery, type RouteProps } from '../../lib/router';
import { ErrorBox, Loading, PageTitle } from '../../components/ui';
import { BarTable, rowLabel } from './common';

interface Row {
  code?: string | null;
  labels?: Record<string, string> | null;
  place_id?: string | null;
  name?: string | null;
  month?: string;
  count: number;
}

const DIMENSIONS: [string, string, string][] = [
  ['by_category', 'cw.counts.category', 'problem_category'],
  ['by_region', 'cw.counts.region', 'place_id'],
  ['by_group', 'cw.counts.group', 'vulnerable_groups'],
  ['by_sex', 'cw.counts.sex', 'client_sex'],
  ['by_age_group', 'cw.counts.age', 'age_group'],
  ['by_channel', 'cw.counts.channel', 'channel'],
];

export function ConsultationCounts({ query }: RouteProps) {
  const from = query.get('from') ?? '';
  const to = query.get('to') ?? '';
  const [data, setData] = useState<any>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setError(null);
    get('/casework/consultation-counts', { from, to }).then(setData, setError);
  }, [from, to]);
  const set = (name: string, value: string) =>
    navigate(withQuery('/consultations/counts', query, { [name]: value }), true);
  const none = t('cw.none_given');
  return (
    <div>
      <PageTitle sub={<a href="/consultations">{t('cw.consult.all')}</a>}>{t('cw.counts.title')}</PageTitle>
      <div class="cw-filters">
        <div>
          <label for="cc-from">{t('cw.from')}</label>
          <input
            id="cc-from"
            type="date"
            value={from}
            onChange={(e) => set('from', (e.target as HTMLInputElement).value)}
          />
        </div>
        <div>
          <label for="cc-to">{t('cw.to')}</label>
          <input id="cc-to" type="date" value={to} onChange={(e) => set('to', (e.target as HTMLInputElement).value)} />
        </div>
      </div>
      <ErrorBox error={error} />
      {!data && !error && <Loading />}
      {data && (
        <>
          <ul class="cards">
            <li>
              <span class="card">
                <span class="card-number">{formatNumber(data.total)}</span>
                <span class="card-label">{t('types.consultation')}</span>
              </span>
            </li>
            <li>
              <span class="card">
                <span class="card-number">{formatNumber(data.became_cases)}</span>
                <span class="card-label">{t('cw.counts.became_cases')}</span>
              </span>
            </li>
          </ul>
          {DIMENSIONS.map(([key, label, field]) => (
            <BarTable
              key={key}
              caption={t(label as any)}
              head={t(label as any)}
              rows={(data[key] as Row[]).map((r) => {
                const code = key === 'by_region' ? r.place_id : r.code;
                return {
                  key: code ?? '',
                  label: key === 'by_region' ? (r.name ?? none) : rowLabel(r.labels, r.code, none),
                  href: code ? '/consultations?' + field + '=' + encodeURIComponent(code) : undefined,
                  count: r.count,
                };
              })}
            />
          ))}
          <BarTable
            caption={t('cw.counts.month')}
            head={t('cw.counts.month')}
            rows={(data.by_month as Row[]).map((r) => ({ key: r.month ?? '', label: r.month ?? '', count: r.count }))}
          />
        </>
      )}
    </div>
  );
}
