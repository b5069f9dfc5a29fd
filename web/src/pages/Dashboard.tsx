// The first page after signing in: how much is documented, acts by type,
// the latest changes, and one event's contested figures as a chart.
import { useEffect, useState } from 'preact/hooks';
import { get } from '../lib/api';
import { formatTimestamp } from '../lib/dates';
import { formatNumber, t, tOr } from '../lib/i18n';
import { termLabel, typeLabel } from '../lib/schema';
import { can } from '../lib/session';
import { recordPath, typeUi } from '../lib/types';
import { EventFigures } from '../components/EventFigures';
import { ConfBadge, Empty, ErrorBox, Loading, PageTitle, titleText } from '../components/ui';

interface Overview {
  counts: Record<string, number>;
  victims: number;
  acts_by_type: Record<string, number>;
  recent: {
    id: string;
    type: string;
    title: string;
    revision: number;
    op: string;
    at: string;
    by: string;
    confidentiality: string;
    deleted: boolean;
  }[];
  claim_events: { id: string; title: string; claims: number }[];
}

const CARDS = ['event', 'act', 'person', 'source', 'claim', 'place'];

export function Dashboard() {
  const [data, setData] = useState<Overview | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [event, setEvent] = useState('');
  useEffect(() => {
    get<Overview>('/overview', { recent: 12 }).then((o) => {
      setData(o);
      setEvent(o.claim_events[0]?.id ?? '');
    }, setError);
  }, []);
  return (
    <div class="dashboard">
      <PageTitle>{t('dashboard.title')}</PageTitle>
      {can('records:write') && (
        <div class="quick-actions">
          <a class="button primary" href="/intake">
            {t('nav.intake')}
          </a>
          <a class="button secondary" href="/events/new">
            + {t('list.new', { type: typeLabel('event', false).toLowerCase() })}
          </a>
          <a class="button secondary" href="/acts/new">
            + {t('list.new', { type: typeLabel('act', false).toLowerCase() })}
          </a>
        </div>
      )}
      <ErrorBox error={error} />
      {!data && !error && <Loading />}
      {data && (
        <>
          <ul class="cards" aria-label={t('dashboard.counts')}>
            {CARDS.map((type) => (
              <li key={type}>
                <a href={'/' + typeUi(type)!.plural} class="card">
                  <span class="card-number">{formatNumber(data.counts[type] ?? 0)}</span>
                  <span class="card-label">{typeLabel(type)}</span>
                </a>
              </li>
            ))}
            <li>
              <a href="/acts" class="card card-accent">
                <span class="card-number">{formatNumber(data.victims)}</span>
                <span class="card-label">{t('dashboard.victims')}</span>
              </a>
            </li>
          </ul>
          <div class="dash-grid">
            <section aria-labelledby="acts-by-type">
              <h2 id="acts-by-type">{t('dashboard.acts_by_type')}</h2>
              {Object.keys(data.acts_by_type).length === 0 ? (
                <Empty>{t('list.none')}</Empty>
              ) : (
                <ActsByType counts={data.acts_by_type} />
              )}
            </section>
            <section aria-labelledby="recent-title">
              <h2 id="recent-title">{t('dashboard.recent')}</h2>
              {data.recent.length === 0 ? (
                <Empty>{t('list.none')}</Empty>
              ) : (
                <ul class="recent">
                  {data.recent.map((r) => (
                    <li key={r.id + '-' + r.revision}>
                      <a href={recordPath(r.type, r.id)}>{titleText(r) || r.id}</a>{' '}
                      <ConfBadge
                        level={
                          r.confidentiality === 'restricted' || r.confidentiality === 'secret'
                            ? r.confidentiality
                            : undefined
                        }
                      />
                      <div class="muted small">
                        {typeLabel(r.type, false)} · {tOr('op.' + r.op, r.op)} ·{' '}
                        {t('history.by', { who: r.by, when: formatTimestamp(r.at) })}
                      </div>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          </div>
          <section aria-labelledby="claims-title" class="dash-claims">
            <h2 id="claims-title">{t('dashboard.claims')}</h2>
            {data.claim_events.length === 0 ? (
              <Empty>{t('figures.no_claims')}</Empty>
            ) : (
              <>
                <label for="claims-event">{typeLabel('event', false)}</label>{' '}
                <select
                  id="claims-event"
                  value={event}
                  onChange={(e) => setEvent((e.target as HTMLSelectElement).value)}
                >
                  {data.claim_events.map((e) => (
                    <option key={e.id} value={e.id}>
                      {e.title}
                    </option>
                  ))}
                </select>{' '}
                {event && <a href={recordPath('event', event)}>{t('dashboard.open_event')}</a>}
                {event && <EventFigures key={event} eventId={event} />}
              </>
            )}
          </section>
        </>
      )}
    </div>
  );
}

function ActsByType({ counts }: { counts: Record<string, number> }) {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  const max = Math.max(...entries.map((e) => e[1]));
  return (
    <table class="chart compact">
      <caption class="sr-only">{t('dashboard.acts_by_type')}</caption>
      <tbody>
        {entries.map(([code, n]) => (
          <tr key={code}>
            <th scope="row">
              <a href={'/acts?type=' + encodeURIComponent(code)}>{termLabel('act_type', code)}</a>
            </th>
            <td class="num">{formatNumber(n)}</td>
            <td class="bar-cell">
              <div class="bar-track" aria-hidden="true">
                <div class="bar bar-claim" style={{ width: (n / max) * 100 + '%' }} />
              </div>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
