// What the casework pages share: today's date, a count table with bars
// split by status, and a term's label from the labels a view sends along.
import { formatNumber, lang } from '../../lib/i18n';

// Today as YYYY-MM-DD in the browser's time zone (the day a lawyer lives in).
export function today(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate());
}

// The label of a code from a view's row ({code, labels: {en, ru, ky}}).
export function rowLabel(
  labels: Record<string, string> | null | undefined,
  code: string | null | undefined,
  none: string,
) {
  if (!code) return none;
  return labels?.[lang()] || labels?.en || code;
}

export interface BarRow {
  key: string;
  label: string;
  href?: string;
  count: number;
  parts?: { key: string; count: number }[]; // split of the bar, in order
}

// A table of counts with a bar each (one scale for the table); a bar split
// into its parts reads as stacked segments, the numbers stay in cells.
export function BarTable({
  caption,
  rows,
  partLabels,
  head,
}: {
  caption: string;
  rows: BarRow[];
  partLabels?: Record<string, string>;
  head: string;
}) {
  const max = Math.max(1, ...rows.map((r) => r.count));
  const parts = partLabels ? Object.keys(partLabels) : [];
  return (
    <table class="chart compact cw-table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{head}</th>
          <th scope="col" class="num">
            Σ
          </th>
          {parts.map((p) => (
            <th scope="col" class="num" key={p}>
              {partLabels![p]}
            </th>
          ))}
          <th scope="col" class="bar-cell">
            <span class="sr-only">{caption}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <th scope="row">{r.href ? <a href={r.href}>{r.label}</a> : r.label}</th>
            <td class="num">{formatNumber(r.count)}</td>
            {parts.map((p) => (
              <td class="num" key={p}>
                {formatNumber(r.parts?.find((x) => x.key === p)?.count ?? 0)}
              </td>
            ))}
            <td class="bar-cell">
              <div class={'bar-track' + (r.parts ? ' stacked' : '')} aria-hidden="true">
                {r.parts ? (
                  r.parts.map((x) => (
                    <div
                      key={x.key}
                      class={'bar bar-seg status-' + x.key}
                      style={{ width: (x.count / max) * 100 + '%' }}
                    />
                  ))
                ) : (
                  <div class="bar bar-claim" style={{ width: (r.count / max) * 100 + '%' }} />
                )}
              </div>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
