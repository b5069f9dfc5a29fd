// An event's contested figures: what each source claims (value or range,
// with its date) beside what Kuzot documents for the event and the events
// under it, as bars on one scale per indicator. The chart is a table, so
// it reads the same to a screen reader and prints well.
import { useEffect, useState } from 'preact/hooks';
import { get, queryString } from '../lib/api';
import { formatFuzzyDate } from '../lib/dates';
import { formatNumber, lang, plural, t } from '../lib/i18n';
import { termLabel } from '../lib/schema';
import { recordPath } from '../lib/types';
import { Downloads, ErrorBox, Loading } from './ui';

interface Claim {
  id: string;
  indicator: string;
  value?: number;
  value_min?: number;
  value_max?: number;
  approximate?: boolean;
  as_of?: string;
  scope?: string;
  source?: { id: string; title: string; date?: string; kind?: string };
}

interface Figures {
  event: { id: string; title: string; events_included: number };
  claims: Claim[];
  documented: {
    acts: number;
    victims: number;
    acts_by_type: Record<string, number>;
    victims_by_act_type: Record<string, number>;
    objects: Record<string, number>;
  };
}

// Which documented count answers which claimed indicator.
function documentedFor(indicator: string, d: Figures['documented']): number | null {
  const victims = (type: string) => d.victims_by_act_type[type] ?? 0;
  switch (indicator) {
    case 'killed':
      return victims('killing');
    case 'wounded':
    case 'injured':
      return victims('injury');
    case 'casualties':
      return d.victims;
    case 'hostages':
      return victims('hostage_taking');
    case 'detained':
      return victims('arbitrary_detention');
    case 'missing':
      return victims('enforced_disappearance');
    case 'displaced':
      return victims('enforced_displacement');
    case 'houses_destroyed':
      return d.objects.house ?? 0;
    case 'buildings_destroyed':
      return Object.entries(d.objects).reduce(
        (n, [kind, count]) => (kind === 'house' || kind === 'vehicle' ? n : n + count),
        0,
      );
    default:
      return null;
  }
}

function Bar({ min, max, scale, kind }: { min: number; max: number; scale: number; kind: string }) {
  const left = scale ? (min / scale) * 100 : 0;
  const width = scale ? Math.max(((max - min) / scale) * 100, max > 0 ? 0.8 : 0) : 0;
  const solid = scale ? (min / scale) * 100 : 0;
  return (
    <div class="bar-track" aria-hidden="true">
      {kind === 'range' && <div class="bar bar-claim" style={{ width: solid + '%' }} />}
      <div
        class={'bar ' + (kind === 'documented' ? 'bar-documented' : kind === 'range' ? 'bar-range' : 'bar-claim')}
        style={{
          left: (kind === 'range' ? left : 0) + '%',
          width: (kind === 'range' ? width : (max / scale) * 100) + '%',
        }}
      />
    </div>
  );
}

// The claims as GET /api/v1/stats/claims gives them (as they stood on a
// date), per indicator with the documented count.
interface StatsClaims {
  indicators: {
    indicator: string;
    documented: { count: number; what: string } | null;
    claims: (Omit<Claim, 'source' | 'indicator'> & {
      source: { id: string; title: string; kind?: string; date?: string };
    })[];
  }[];
}

// JSON nulls as absent fields, the way /events/{id}/figures gives them.
function present<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null)) as T;
}

export function EventFigures({ eventId }: { eventId: string }) {
  const [figures, setFigures] = useState<Figures | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [asOf, setAsOf] = useState('');
  const [past, setPast] = useState<StatsClaims | null>(null);
  useEffect(() => {
    get<Figures>(`/events/${eventId}/figures`).then(setFigures, setError);
  }, [eventId]);
  useEffect(() => {
    setPast(null);
    if (!asOf) return;
    get<StatsClaims>('/stats/claims', { event_id: eventId, as_of: asOf, lang: lang() }).then(setPast, setError);
  }, [eventId, asOf]);
  if (error) return <ErrorBox error={error} />;
  if (!figures) return <Loading />;
  const d = figures.documented;
  // As of a date: the claims and documented counts as they stood then.
  const claimsOf: Claim[] = past
    ? past.indicators.flatMap((i) =>
        i.claims.map((c) => ({
          ...present(c),
          indicator: i.indicator,
          // A source the user may not see has no kind: no link to it.
          source: c.source.kind !== undefined ? present(c.source) : undefined,
        })),
      )
    : figures.claims;
  const documentedOf = (indicator: string): number | null =>
    past
      ? (past.indicators.find((i) => i.indicator === indicator)?.documented?.count ?? null)
      : documentedFor(indicator, d);
  const indicators = [...new Set(claimsOf.map((c) => c.indicator))];
  const download = (format: string) =>
    '/api/v1/stats/claims' + queryString({ event_id: eventId, as_of: asOf || undefined, lang: lang(), format });
  return (
    <section class="figures" aria-labelledby="figures-title">
      <h2 id="figures-title">{t('figures.title')}</h2>
      <p>
        {t('figures.documented_summary', { acts: plural('n.acts', d.acts), victims: plural('n.victims', d.victims) })}
        {figures.event.events_included > 1 &&
          ' ' + t('figures.including_sub', { n: figures.event.events_included - 1 })}
      </p>
      <div class="figures-tools">
        <label for="figures-as-of">{t('figures.as_of')}</label>{' '}
        <input
          id="figures-as-of"
          type="date"
          value={asOf}
          onChange={(e) => setAsOf((e.target as HTMLInputElement).value)}
        />{' '}
        <Downloads url={download} />
      </div>
      {asOf && !past && <Loading />}
      {indicators.length === 0 && <p class="muted">{t('figures.no_claims')}</p>}
      {indicators.map((indicator) => {
        const claims = claimsOf
          .filter((c) => c.indicator === indicator)
          .sort((a, b) => (a.as_of ?? '').localeCompare(b.as_of ?? ''));
        const documented = documentedOf(indicator);
        const scale = Math.max(1, documented ?? 0, ...claims.map((c) => c.value ?? c.value_max ?? c.value_min ?? 0));
        return (
          <table class="chart" key={indicator}>
            <caption>{termLabel('indicator', indicator)}</caption>
            <thead class="sr-only">
              <tr>
                <th scope="col">{t('figures.source')}</th>
                <th scope="col">{t('figures.figure')}</th>
                <th scope="col">{t('figures.bar')}</th>
              </tr>
            </thead>
            <tbody>
              {claims.map((c) => {
                const range = c.value === undefined && c.value_min !== undefined;
                const text =
                  (c.approximate ? '~' : '') +
                  (range
                    ? formatNumber(c.value_min!) + '–' + formatNumber(c.value_max ?? c.value_min!)
                    : formatNumber(c.value ?? 0));
                return (
                  <tr key={c.id}>
                    <th scope="row">
                      {c.source ? (
                        <a href={recordPath('source', c.source.id)}>{c.source.title}</a>
                      ) : (
                        <a href={recordPath('claim', c.id)}>{t('figures.claim')}</a>
                      )}
                      <span class="muted small">
                        {' '}
                        {c.as_of ? formatFuzzyDate(c.as_of) : ''}
                        {c.scope ? ' · ' + c.scope : ''}
                      </span>
                    </th>
                    <td class="num">
                      <a href={recordPath('claim', c.id)}>{text}</a>
                    </td>
                    <td class="bar-cell">
                      <Bar
                        min={range ? c.value_min! : 0}
                        max={range ? (c.value_max ?? c.value_min!) : (c.value ?? 0)}
                        scale={scale}
                        kind={range ? 'range' : 'claim'}
                      />
                    </td>
                  </tr>
                );
              })}
              {documented !== null && (
                <tr class="documented">
                  <th scope="row">{t('figures.documented')}</th>
                  <td class="num">{formatNumber(documented)}</td>
                  <td class="bar-cell">
                    <Bar min={0} max={documented} scale={scale} kind="documented" />
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        );
      })}
    </section>
  );
}
