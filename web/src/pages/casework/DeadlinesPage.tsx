// What is due: open deadlines of active cases, coming hearings, and the
// follow-ups of consultations and submissions, soonest first; the overdue
// ones on top in red. From GET /api/v1/casework/deadlines.
import { useEffect, useState } from 'preact/hooks';
import { get } from '../../lib/api';
import { formatFuzzyDate } from '../../lib/dates';
import { plural, t, tOr } from '../../lib/i18n';
import { navigate, withQuery, type RouteProps } from '../../lib/router';
import { typeLabel } from '../../lib/schema';
import { useTitles } from '../../lib/titles';
import { recordPath } from '../../lib/types';
import { Empty, ErrorBox, Loading, PageTitle, RecordLink } from '../../components/ui';
import { rowLabel } from './common';

interface Item {
  date: string;
  kind: string;
  deadline_kind?: string;
  label?: Record<string, string>;
  description: string;
  responsible_person_id?: string | null;
  days_left: number;
  overdue: boolean;
  record: { type: string; id: string; title: string };
}

const RANGES = ['7', '30', '90', '365'];

export function DeadlinesPage({ query }: RouteProps) {
  const days = query.get('days') ?? '30';
  const overdue = query.get('include_overdue') !== 'false';
  const [data, setData] = useState<{ as_of: string; until: string; overdue: number; items: Item[] } | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setError(null);
    get('/casework/deadlines', { days, include_overdue: overdue }).then(setData, setError);
  }, [days, overdue]);
  const people = useTitles((data?.items ?? []).map((i) => i.responsible_person_id).filter((x): x is string => !!x));
  const set = (changes: Record<string, string | null>) => navigate(withQuery('/deadlines', query, changes), true);
  return (
    <div>
      <PageTitle>{t('cw.deadlines.title')}</PageTitle>
      <div class="cw-filters">
        <div>
          <label for="dl-days">{t('cw.deadlines.ahead')}</label>
          <select id="dl-days" value={days} onChange={(e) => set({ days: (e.target as HTMLSelectElement).value })}>
            {RANGES.map((r) => (
              <option key={r} value={r}>
                {plural('cw.days', Number(r))}
              </option>
            ))}
          </select>
        </div>
        <label class="check">
          <input
            type="checkbox"
            checked={overdue}
            onChange={(e) => set({ include_overdue: (e.target as HTMLInputElement).checked ? null : 'false' })}
          />{' '}
          {t('cw.deadlines.with_overdue')}
        </label>
      </div>
      <ErrorBox error={error} />
      {!data && !error && <Loading />}
      {data && (
        <>
          <p class="muted">
            {t('cw.deadlines.window', { from: formatFuzzyDate(data.as_of), until: formatFuzzyDate(data.until) })}
            {data.overdue > 0 && <strong> · {plural('cw.overdue', data.overdue)}</strong>}
          </p>
          {data.items.length === 0 ? (
            <Empty>{t('cw.deadlines.none')}</Empty>
          ) : (
            <table class="data deadlines">
              <thead>
                <tr>
                  <th scope="col">{t('cw.deadlines.due')}</th>
                  <th scope="col">{t('cw.deadlines.left')}</th>
                  <th scope="col">{t('cw.deadlines.what')}</th>
                  <th scope="col">{t('cw.deadlines.record')}</th>
                  <th scope="col">{t('cw.deadlines.responsible')}</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((i, n) => (
                  <tr key={n} class={i.overdue ? 'overdue' : i.days_left <= 7 ? 'soon' : ''}>
                    <td>
                      <time dateTime={i.date}>{formatFuzzyDate(i.date)}</time>
                    </td>
                    <td class="days-left">{daysLeft(i.days_left)}</td>
                    <td>
                      <strong>
                        {i.kind === 'deadline'
                          ? rowLabel(i.label, i.deadline_kind, t('cw.kind.deadline'))
                          : tOr('cw.kind.' + i.kind, i.kind)}
                      </strong>
                      {i.description && <div class="small">{i.description}</div>}
                    </td>
                    <td>
                      <a href={recordPath(i.record.type, i.record.id)}>{i.record.title || i.record.id}</a>
                      <div class="muted small">{typeLabel(i.record.type, false)}</div>
                    </td>
                    <td>
                      {i.responsible_person_id && people.get(i.responsible_person_id) && (
                        <RecordLink info={people.get(i.responsible_person_id)!} />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </div>
  );
}

export function daysLeft(n: number): string {
  if (n === 0) return t('cw.today');
  if (n < 0) return plural('cw.days_overdue', -n);
  return plural('cw.days_left', n);
}
