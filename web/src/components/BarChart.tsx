// A counts table as horizontal bars, drawn by hand in SVG (no chart
// library: the page stays light on slow links). One bar per row, split by
// the column key when there is one, with a legend. The table above it says
// the same in words, so the chart is hidden from screen readers' reading of
// numbers but carries a summary as its label.
import { formatNumber, t } from '../lib/i18n';
import { columnsOf, type CountTable } from '../pages/StatsPage';

// Colours that stay apart for the common kinds of colour blindness
// (Okabe and Ito), repeated past eight keys.
const COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

const ROW = 26;
const LABEL = 190;
const WIDTH = 720;
const NUMBER = 60;

function clip(text: string, n = 28): string {
  return text.length > n ? text.slice(0, n - 1) + '…' : text;
}

export function BarChart({ table }: { table: CountTable }) {
  const rows = table.rows.keys;
  if (rows.length === 0) return null;
  const cols = columnsOf(table);
  // Victims: a person in several cells of a row counts once in its total,
  // so bars are drawn from the cells and the total is written beside them.
  const parts = rows.map((_, i) =>
    cols.length ? cols.map((_, j) => table.cells[i]?.[j] ?? 0) : [table.row_totals[i] ?? 0],
  );
  const lengths = parts.map((p) => p.reduce((a, b) => a + b, 0));
  const scale = Math.max(1, ...lengths);
  const plot = WIDTH - LABEL - NUMBER;
  const legendRows = cols.length ? Math.ceil(cols.length / 4) : 0;
  const height = rows.length * ROW + 10 + legendRows * 20 + (legendRows ? 10 : 0);
  const label = t('stats.chart_label', {
    rows: rows.length,
    max: formatNumber(Math.max(...lengths)),
  });
  return (
    <figure class="bar-chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${height}`}
        width="100%"
        role="img"
        aria-label={label}
        preserveAspectRatio="xMinYMin meet"
      >
        {rows.map((r, i) => {
          let x = LABEL;
          const y = i * ROW + 4;
          return (
            <g key={r.key}>
              <text x={LABEL - 8} y={y + ROW / 2 + 2} text-anchor="end" class="bar-label">
                <title>{r.label}</title>
                {clip(r.label)}
              </text>
              {parts[i].map((v, j) => {
                const w = (v / scale) * plot;
                const rect = (
                  <rect
                    key={j}
                    x={x}
                    y={y + 3}
                    width={Math.max(w, 0)}
                    height={ROW - 8}
                    fill={COLOURS[j % COLOURS.length]}
                  >
                    <title>
                      {r.label}
                      {cols[j] ? ' · ' + cols[j].label : ''}: {formatNumber(v)}
                    </title>
                  </rect>
                );
                x += w;
                return rect;
              })}
              <text x={x + 6} y={y + ROW / 2 + 2} class="bar-number">
                {table.row_totals[i] === null ? '<' : formatNumber(table.row_totals[i] ?? 0)}
              </text>
            </g>
          );
        })}
        {cols.map((c, j) => {
          const x = LABEL + (j % 4) * (plot / 4);
          const y = rows.length * ROW + 14 + Math.floor(j / 4) * 20;
          return (
            <g key={c.key} class="legend">
              <rect x={x} y={y} width={12} height={12} fill={COLOURS[j % COLOURS.length]} />
              <text x={x + 16} y={y + 10}>
                {clip(c.label, 20)}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption class="muted small">{t('stats.chart_caption')}</figcaption>
    </figure>
  );
}
