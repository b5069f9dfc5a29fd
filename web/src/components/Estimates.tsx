// Estimates of how many victims no list recorded (multiple systems
// estimation, doc/estimation.md): the user picks the lists (sources that
// name victims), a method and optionally strata; the server builds the
// capture histories from the records the user may see and runs the
// estimator. Warnings and refusals are shown as the server words them:
// a number the data cannot carry is never shown as an answer.
import { useEffect, useState } from 'preact/hooks';
import { api, get } from '../lib/api';
import { formatNumber, lang, t } from '../lib/i18n';
import { dimensionLabel } from '../pages/StatsPage';
import { ErrorBox, Loading } from './ui';

interface ListInfo {
  id: string;
  name: string;
}

interface Result {
  stratum: string;
  observed?: number;
  estimate?: number;
  lower?: number;
  upper?: number;
  level?: number;
  undocumented?: { estimate: number; lower: number; upper: number };
  warnings?: string[];
  error?: string;
}

interface Answer {
  lists: ListInfo[];
  notes: string[];
  results: Result[];
}

const STRATA = ['', 'sex', 'child', 'age_group', 'period:year', 'place:oblast'];

export function Estimates() {
  const [lists, setLists] = useState<ListInfo[] | null>(null);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [method, setMethod] = useState('loglinear');
  const [strata, setStrata] = useState('');
  const [seed, setSeed] = useState('1');
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    get<{ lists: ListInfo[] }>('/stats/mse/histories', { lang: lang() }).then((h) => {
      setLists(h.lists);
      setChosen(new Set(h.lists.map((l) => l.id)));
    }, setError);
  }, []);

  const run = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setAnswer(null);
    try {
      const options: Record<string, unknown> = {};
      if (method === 'lcmcr') options.seed = Number(seed) || 1;
      setAnswer(
        await api<Answer>('POST', '/stats/mse/estimate', {
          method,
          lists: [...chosen],
          strata: strata || undefined,
          lang: lang(),
          options,
        }),
      );
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (!lists && !error) return <Loading />;
  return (
    <div class="estimates">
      {lists && (
        <form onSubmit={run} class="card">
          <fieldset>
            <legend>{t('estimate.lists')}</legend>
            {lists.length === 0 && <p class="muted">{t('estimate.no_lists')}</p>}
            {lists.map((l) => (
              <label key={l.id} class="check">
                <input
                  type="checkbox"
                  checked={chosen.has(l.id)}
                  onChange={(ev) => {
                    const next = new Set(chosen);
                    if ((ev.target as HTMLInputElement).checked) next.add(l.id);
                    else next.delete(l.id);
                    setChosen(next);
                  }}
                />{' '}
                {l.name}
              </label>
            ))}
          </fieldset>
          <div class="field">
            <label for="estimate-method">{t('estimate.method')}</label>
            <select
              id="estimate-method"
              value={method}
              onChange={(ev) => setMethod((ev.target as HTMLSelectElement).value)}
            >
              <option value="loglinear">{t('estimate.method.loglinear')}</option>
              <option value="bma">{t('estimate.method.bma')}</option>
              <option value="lcmcr">{t('estimate.method.lcmcr')}</option>
            </select>
          </div>
          <div class="field">
            <label for="estimate-strata">{t('estimate.strata')}</label>
            <select
              id="estimate-strata"
              value={strata}
              onChange={(ev) => setStrata((ev.target as HTMLSelectElement).value)}
            >
              {STRATA.map((s) => (
                <option key={s} value={s}>
                  {s ? dimensionLabel(s) : t('stats.none')}
                </option>
              ))}
            </select>
          </div>
          {method === 'lcmcr' && (
            <div class="field">
              <label for="estimate-seed">{t('estimate.seed')}</label>
              <input
                id="estimate-seed"
                type="number"
                min={1}
                value={seed}
                onInput={(ev) => setSeed((ev.target as HTMLInputElement).value)}
              />
            </div>
          )}
          <div class="form-actions">
            <button type="submit" class="primary" disabled={busy || chosen.size === 0}>
              {busy ? t('estimate.running') : t('estimate.run')}
            </button>
          </div>
        </form>
      )}
      <ErrorBox error={error} />
      {answer && (
        <div class="estimate-results" role="status">
          {answer.notes.map((n, i) => (
            <p class="notice" key={i}>
              {n}
            </p>
          ))}
          <div class="table-wrap">
            <table class="stats-table">
              <thead>
                <tr>
                  <th scope="col">{t('estimate.stratum')}</th>
                  <th scope="col" class="num">
                    {t('estimate.observed')}
                  </th>
                  <th scope="col" class="num">
                    {t('estimate.estimate')}
                  </th>
                  <th scope="col" class="num">
                    {t('estimate.interval')}
                  </th>
                  <th scope="col" class="num">
                    {t('estimate.undocumented')}
                  </th>
                  <th scope="col">{t('estimate.warnings')}</th>
                </tr>
              </thead>
              <tbody>
                {answer.results.map((r) =>
                  r.error ? (
                    <tr key={r.stratum}>
                      <th scope="row">{r.stratum}</th>
                      <td colSpan={5} class="error-text">
                        {r.error}
                      </td>
                    </tr>
                  ) : (
                    <tr key={r.stratum}>
                      <th scope="row">{r.stratum}</th>
                      <td class="num">{formatNumber(r.observed ?? 0)}</td>
                      <td class="num">{formatNumber(r.estimate ?? 0)}</td>
                      <td class="num">
                        {formatNumber(r.lower ?? 0)}–{formatNumber(r.upper ?? 0)}
                        {r.level ? ` (${Math.round(r.level * 100)}%)` : ''}
                      </td>
                      <td class="num">
                        {r.undocumented
                          ? `${formatNumber(r.undocumented.estimate)} (${formatNumber(r.undocumented.lower)}–${formatNumber(r.undocumented.upper)})`
                          : ''}
                      </td>
                      <td>
                        <ul class="warnings">
                          {(r.warnings ?? []).map((w, i) => (
                            <li key={i}>{w}</li>
                          ))}
                        </ul>
                      </td>
                    </tr>
                  ),
                )}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </div>
  );
}
