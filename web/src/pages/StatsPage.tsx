// Figures from the records (doc/statistics.md): counts of acts or victims
// by any two dimensions, now or as the records stood on a past date, as a
// table, a bar chart and CSV/XLSX downloads; and, for those who may run
// them, estimates of the undocumented (multiple systems estimation). Only
// what the user may see is counted: the server decides, this page shows.
import { useEffect, useState } from 'preact/hooks';
import { get, queryString, type Query } from '../lib/api';
import { formatNumber, lang, t, tOr } from '../lib/i18n';
import { navigate, type RouteProps } from '../lib/router';
import { can } from '../lib/session';
import { BarChart } from '../components/BarChart';
import { Downloads, ErrorBox, Loading, PageTitle } from '../components/ui';
import { lazyPart } from '../components/Lazy';

interface Key {
  key: string;
  label: string;
}

export interface CountTable {
  measure: string;
  as_of: string | null;
  rows: { dimension: string; keys: Key[] };
  // With one dimension the server gives columns without a dimension (one
  // "total" column): columnsOf() says whether there is a second one.
  columns?: { dimension: string | null; keys: Key[] } | null;
  cells: (number | null)[][];
  row_totals: (number | null)[];
  column_totals?: (number | null)[];
  total: number | null;
}

const Estimates = lazyPart(() => import('../components/Estimates').then((m) => m.Estimates));

export function columnsOf(table: CountTable): Key[] {
  return table.columns?.dimension ? table.columns.keys : [];
}

export function dimensionLabel(d: string): string {
  return tOr('stats.dim.' + d, d);
}

// The counts' query from the page's address: the address is the figure,
// so it can be bookmarked and sent to a colleague.
function countQuery(query: URLSearchParams): Query {
  return {
    rows: query.get('rows') || 'act_type',
    columns: query.get('columns') || undefined,
    measure: query.get('measure') || 'acts',
    as_of: query.get('as_of') || undefined,
    date_from: query.get('date_from') || undefined,
    date_to: query.get('date_to') || undefined,
    min_cell: query.get('min_cell') || undefined,
  };
}

export function StatsPage({ query }: RouteProps) {
  const q = countQuery(query);
  const [dimensions, setDimensions] = useState<string[] | null>(null);
  const [table, setTable] = useState<CountTable | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [form, setForm] = useState<Record<string, string>>(() => ({
    rows: String(q.rows),
    columns: String(q.columns ?? ''),
    measure: String(q.measure),
    as_of: String(q.as_of ?? ''),
    date_from: String(q.date_from ?? ''),
    date_to: String(q.date_to ?? ''),
    min_cell: String(q.min_cell ?? ''),
  }));
  const language = lang();
  const key = queryString(q);

  useEffect(() => {
    get<{ dimensions: string[] }>('/stats/dimensions').then((d) => setDimensions(d.dimensions), setError);
  }, []);
  useEffect(() => {
    setError(null);
    setTable(null);
    get<CountTable>('/stats/counts', { ...q, lang: language }).then(setTable, setError);
  }, [key, language]);

  const set = (name: string) => (e: Event) =>
    setForm({ ...form, [name]: (e.target as HTMLInputElement | HTMLSelectElement).value });
  const download = (format: string) => '/api/v1/stats/counts' + queryString({ ...q, lang: language, format });
  const choice = (name: string, allowNone: boolean) => (
    <select id={'stats-' + name} value={form[name]} onChange={set(name)}>
      {allowNone && <option value="">{t('stats.none')}</option>}
      {(dimensions ?? [String(q.rows)]).map((d) => (
        <option key={d} value={d}>
          {dimensionLabel(d)}
        </option>
      ))}
    </select>
  );

  return (
    <div class="stats-page">
      <PageTitle>{t('stats.title')}</PageTitle>
      <p class="muted">{t('stats.intro')}</p>
      <form
        class="stats-form card"
        onSubmit={(e) => {
          e.preventDefault();
          navigate('/stats' + queryString(form));
        }}
      >
        <div class="field">
          <label for="stats-rows">{t('stats.rows')}</label>
          {choice('rows', false)}
        </div>
        <div class="field">
          <label for="stats-columns">{t('stats.columns')}</label>
          {choice('columns', true)}
        </div>
        <div class="field">
          <label for="stats-measure">{t('stats.measure')}</label>
          <select id="stats-measure" value={form.measure} onChange={set('measure')}>
            <option value="acts">{t('stats.measure.acts')}</option>
            <option value="victims">{t('stats.measure.victims')}</option>
          </select>
        </div>
        <div class="field">
          <label for="stats-as-of">{t('stats.as_of')}</label>
          <input id="stats-as-of" type="date" value={form.as_of} onInput={set('as_of')} />
          <p class="hint muted small">{t('stats.as_of_hint')}</p>
        </div>
        <div class="field">
          <label for="stats-from">{t('stats.date_from')}</label>
          <input
            id="stats-from"
            type="text"
            inputMode="numeric"
            placeholder="2021-04"
            value={form.date_from}
            onInput={set('date_from')}
          />
        </div>
        <div class="field">
          <label for="stats-to">{t('stats.date_to')}</label>
          <input
            id="stats-to"
            type="text"
            inputMode="numeric"
            placeholder="2021-05-01"
            value={form.date_to}
            onInput={set('date_to')}
          />
        </div>
        <div class="field">
          <label for="stats-min-cell">{t('stats.min_cell')}</label>
          <input id="stats-min-cell" type="number" min={0} value={form.min_cell} onInput={set('min_cell')} />
          <p class="hint muted small">{t('stats.min_cell_hint')}</p>
        </div>
        <div class="form-actions">
          <button type="submit" class="primary">
            {t('stats.show')}
          </button>
        </div>
      </form>

      <ErrorBox error={error} />
      {!table && !error && <Loading />}
      {table && (
        <section aria-labelledby="counts-title">
          <h2 id="counts-title">
            {table.measure === 'victims' ? t('stats.measure.victims') : t('stats.measure.acts')}:{' '}
            {dimensionLabel(table.rows.dimension)}
            {table.columns?.dimension ? ' × ' + dimensionLabel(table.columns.dimension) : ''}
          </h2>
          <p class="muted small">
            {table.as_of ? t('stats.as_of_shown', { date: table.as_of }) : t('stats.now')}
            {' · '}
            {table.measure === 'victims' ? t('stats.victims_note') : t('stats.acts_note')}
          </p>
          <p class="downloads">
            <Downloads url={download} />
          </p>
          <CountsTable table={table} />
          <BarChart table={table} />
        </section>
      )}
      {can('stats:estimate') && <EstimateSection />}
    </div>
  );
}

function cell(v: number | null | undefined, minCell: string | null): string {
  if (v === null) return '<' + (minCell ?? '');
  if (v === undefined) return '';
  return formatNumber(v);
}

export function CountsTable({ table }: { table: CountTable }) {
  const cols = columnsOf(table);
  const min = new URLSearchParams(location.search).get('min_cell');
  return (
    <div class="table-wrap">
      <table class="stats-table">
        <thead>
          <tr>
            <th scope="col">
              {dimensionLabel(table.rows.dimension)}
              {table.columns?.dimension ? ' \\ ' + dimensionLabel(table.columns.dimension) : ''}
            </th>
            {cols.map((c) => (
              <th scope="col" class="num" key={c.key}>
                {c.label}
              </th>
            ))}
            <th scope="col" class="num">
              {cols.length ? t('stats.total') : t('stats.count')}
            </th>
          </tr>
        </thead>
        <tbody>
          {table.rows.keys.map((r, i) => (
            <tr key={r.key}>
              <th scope="row">{r.label}</th>
              {cols.map((c, j) => (
                <td class="num" key={c.key}>
                  {cell(table.cells[i]?.[j], min)}
                </td>
              ))}
              <td class="num total">{cell(table.row_totals[i], min)}</td>
            </tr>
          ))}
          {table.rows.keys.length === 0 && (
            <tr>
              <td colSpan={cols.length + 2} class="muted">
                {t('stats.empty')}
              </td>
            </tr>
          )}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t('stats.total')}</th>
            {cols.map((c, j) => (
              <td class="num" key={c.key}>
                {cell(table.column_totals?.[j], min)}
              </td>
            ))}
            <td class="num total">{cell(table.total, min)}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

function EstimateSection() {
  const [open, setOpen] = useState(false);
  return (
    <section aria-labelledby="estimate-title" class="estimate">
      <h2 id="estimate-title">{t('estimate.title')}</h2>
      <p class="muted">{t('estimate.intro')}</p>
      {open ? (
        <Estimates />
      ) : (
        <button type="button" class="secondary" onClick={() => setOpen(true)}>
          {t('estimate.open')}
        </button>
      )}
    </section>
  );
}
