// What a casework record's page adds to the generic one: a case's
// proceedings, hearings, deadlines (with days left), decisions, remedies and
// status history as tables; "turn into a case" on a consultation; a
// statement's signatories with their export and the publish action; a
// submission's send action and its frozen package.
import { useEffect, useState } from 'preact/hooks';
import { api, get } from '../../lib/api';
import { formatFuzzyDate, formatTimestamp } from '../../lib/dates';
import { plural, t } from '../../lib/i18n';
import { navigate } from '../../lib/router';
import { fieldLabel, schemaType, termLabel, type Field } from '../../lib/schema';
import { can } from '../../lib/session';
import { forgetTitle, useTitles, type TitleInfo } from '../../lib/titles';
import { recordPath } from '../../lib/types';
import { FieldValue } from '../../components/FieldValue';
import { ErrorBox, RecordLink } from '../../components/ui';
import { daysLeft } from './DeadlinesPage';
import { today } from './common';

interface Props {
  type: string;
  record: any;
  titles: Map<string, TitleInfo | null>;
  onChanged: () => void;
}

export function RecordExtras(props: Props) {
  switch (props.type) {
    case 'case':
      return <CasePanel {...props} />;
    case 'consultation':
      return <ConvertPanel {...props} />;
    case 'statement':
      return <StatementPanel {...props} />;
    case 'submission':
      return <SubmissionPanel {...props} />;
    default:
      return null;
  }
}

// A table of an object list's items: one column per sub-field that any
// item has, `order` first.
function ItemTable({
  type,
  field,
  items,
  titles,
  rowClass,
  extra,
}: {
  type: string;
  field: string;
  items: any[];
  titles: Map<string, TitleInfo | null>;
  rowClass?: (item: any) => string;
  extra?: { head: string; cell: (item: any) => any };
}) {
  const spec = schemaType(type)?.fields.find((f) => f.name === field);
  const sub: Field[] = (spec?.fields ?? []).filter((f) =>
    items.some((i) => i[f.name] !== undefined && i[f.name] !== ''),
  );
  return (
    <section aria-labelledby={'cw-' + field}>
      <h2 id={'cw-' + field}>
        {fieldLabel(type, field)} <span class="muted">({items.length})</span>
      </h2>
      {items.length === 0 ? (
        <p class="muted">{t('cw.none_yet')}</p>
      ) : (
        <div class="table-scroll">
          <table class="data">
            <thead>
              <tr>
                {sub.map((f) => (
                  <th scope="col" key={f.name}>
                    {fieldLabel(type, f)}
                  </th>
                ))}
                {extra && <th scope="col">{extra.head}</th>}
              </tr>
            </thead>
            <tbody>
              {items.map((item, i) => (
                <tr key={i} class={rowClass?.(item) ?? ''}>
                  {sub.map((f) => (
                    <td key={f.name}>
                      <FieldValue type={type} field={f} value={item[f.name]} titles={titles} />
                    </td>
                  ))}
                  {extra && <td>{extra.cell(item)}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function dayDiff(day: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const ms = Date.parse(day + 'T00:00:00Z') - Date.parse(today() + 'T00:00:00Z');
  return Math.round(ms / 86400000);
}

function CasePanel({ record, titles }: Props) {
  const deadlines = [...(record.deadlines ?? [])].sort((a, b) => String(a.due_date).localeCompare(String(b.due_date)));
  const next = deadlines.find((d) => !d.done && (dayDiff(d.due_date) ?? -1) >= 0);
  return (
    <div class="case-panel">
      {next && (
        <p class="notice" role="status">
          {t('cw.case.next_deadline', {
            what: termLabel('deadline_kind', next.kind),
            when: formatFuzzyDate(next.due_date),
            left: daysLeft(dayDiff(next.due_date)!),
          })}
        </p>
      )}
      <ItemTable type="case" field="proceedings" items={record.proceedings ?? []} titles={titles} />
      <ItemTable type="case" field="hearings" items={record.hearings ?? []} titles={titles} />
      <ItemTable
        type="case"
        field="deadlines"
        items={deadlines}
        titles={titles}
        rowClass={(d) => {
          const n = dayDiff(d.due_date);
          return d.done || n === null ? '' : n < 0 ? 'overdue' : n <= 7 ? 'soon' : '';
        }}
        extra={{
          head: t('cw.deadlines.left'),
          cell: (d) => {
            const n = dayDiff(d.due_date);
            return d.done ? t('cw.done') : n === null ? '' : <span class="days-left">{daysLeft(n)}</span>;
          },
        }}
      />
      <ItemTable type="case" field="decisions" items={record.decisions ?? []} titles={titles} />
      <ItemTable type="case" field="remedies" items={record.remedies ?? []} titles={titles} />
      <ItemTable type="case" field="status_log" items={record.status_log ?? []} titles={titles} />
      <p>
        <a href={'/deadlines?case_id=' + record.id}>{t('cw.deadlines.title')}</a>
      </p>
    </div>
  );
}

function ConvertPanel({ record }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const caseTitle = useTitles(record.case_id ? [record.case_id] : []);
  if (record.case_id) {
    const info = caseTitle.get(record.case_id);
    return (
      <p class="notice">
        {t('cw.consult.became')}{' '}
        {info ? <RecordLink info={info} /> : <a href={recordPath('case', record.case_id)}>…</a>}
      </p>
    );
  }
  if (!can('records:write') || record.deleted) return null;
  const convert = async () => {
    setBusy(true);
    setError(null);
    try {
      const out = await api('POST', `/consultations/${record.id}/convert`, { revision: record.revision });
      forgetTitle(record.id);
      navigate(recordPath('case', out.case.id) + '?saved=1');
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <div class="record-actions">
      <button type="button" class="primary" disabled={busy} onClick={convert}>
        {t('cw.consult.convert')}
      </button>
      <ErrorBox error={error} />
    </div>
  );
}

function StatementPanel({ record, titles, onChanged }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const signatories: any[] = record.signatories ?? [];
  const base = `/api/v1/statements/${record.id}/signatories?format=`;
  const publish = async () => {
    setBusy(true);
    setError(null);
    try {
      await api('POST', `/statements/${record.id}/publish`, { revision: record.revision });
      forgetTitle(record.id);
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div>
      <div class="record-actions">
        {can('statements:publish') && record.status !== 'published' && !record.deleted && (
          <button type="button" class="primary" disabled={busy} onClick={publish}>
            {t('cw.statement.publish')}
          </button>
        )}
        {record.status === 'published' && record.confidentiality === 'public' && (
          <a class="button secondary" href={'/public/statements/' + record.id} target="_blank" rel="noopener">
            {t('cw.statement.public_page')}
          </a>
        )}
        <a class="button secondary" href={base + 'csv'} download>
          {t('cw.statement.export', { format: 'CSV' })}
        </a>
        <a class="button secondary" href={base + 'xlsx'} download>
          {t('cw.statement.export', { format: 'XLSX' })}
        </a>
      </div>
      <ErrorBox error={error} />
      <p class="muted">{plural('cw.statement.signed_by', signatories.length)}</p>
      <ItemTable type="statement" field="signatories" items={signatories} titles={titles} />
    </div>
  );
}

interface PackageItem {
  record_id: string;
  type: string;
  revision: number;
  current_revision?: number;
  changed_since?: boolean;
  hidden?: boolean;
  title?: string;
}

function SubmissionPanel({ record, onChanged }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [pkg, setPkg] = useState<{ intact: boolean; items: PackageItem[] } | null>(null);
  useEffect(() => {
    if (record.sent) get(`/submissions/${record.id}/package`).then(setPkg, setError);
  }, [record.id, record.revision]);
  const send = async () => {
    setBusy(true);
    setError(null);
    try {
      await api('POST', `/submissions/${record.id}/send`, { revision: record.revision });
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="package-title">
      <h2 id="package-title">{t('cw.submission.package')}</h2>
      <ErrorBox error={error} />
      {!record.sent && can('records:write') && !record.deleted && (
        <div class="record-actions">
          <button type="button" class="primary" disabled={busy} onClick={send}>
            {t('cw.submission.send')}
          </button>
          <span class="muted small">{t('cw.submission.send_hint')}</span>
        </div>
      )}
      {record.sent && (
        <p class="muted">
          {t('cw.submission.frozen', { when: formatTimestamp(record.sent.at), who: record.sent.by ?? '' })}
          {pkg && (pkg.intact ? ' · ' + t('cw.submission.intact') : '')}
        </p>
      )}
      {pkg && !pkg.intact && (
        <p class="error-box" role="alert">
          {t('cw.submission.not_intact')}
        </p>
      )}
      {pkg && (
        <ul>
          {pkg.items.map((i) => (
            <li key={i.record_id}>
              {i.hidden ? (
                <span class="muted">{t('record.unavailable')}</span>
              ) : (
                <a href={recordPath(i.type, i.record_id)}>{i.title || i.record_id}</a>
              )}{' '}
              <span class="muted small">
                {t('cw.submission.revision', { n: i.revision })}
                {i.changed_since ? ' · ' + t('cw.submission.changed') : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
