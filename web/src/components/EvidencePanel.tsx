// The evidence files linked to a record (event, act, person, source): each
// with its preview, SHA-256, the type detected from its content, the
// capture metadata read from the file, the contradictions with what the
// uploader entered, a download link and the chain of custody. Loaded with
// the record page's evidence section only (not on the first page), and the
// upload form (with tus-js-client) only when someone opens it.
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get } from '../lib/api';
import { formatFuzzyDate, formatTimestamp } from '../lib/dates';
import { formatNumber, t, tOr } from '../lib/i18n';
import { can } from '../lib/session';
import { recordPath } from '../lib/types';
import { ConfBadge, ErrorBox, Loading } from './ui';
import type { UploadFormProps } from './EvidenceUpload';

export interface Evidence {
  id: string;
  title: string;
  description?: string;
  sha256?: string;
  size?: number;
  media_type?: string;
  file_name?: string;
  captured_on?: string;
  latitude?: number;
  longitude?: number;
  confidentiality?: string;
  capture?: {
    taken_at?: string;
    creation_time?: string;
    latitude?: number;
    longitude?: number;
    altitude?: number;
    camera_make?: string;
    camera_model?: string;
    duration_seconds?: number;
    width?: number;
    height?: number;
    kind?: string;
    warnings?: string[];
  };
  flags?: { field: string; entered?: string; found?: string; note?: string }[];
  created_at?: string;
  created_by?: string;
}

interface CustodyEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  remote: string;
  sha256: string;
  detail: unknown;
  hash: string;
}

// The evidence field that links to each record type; sources are cited
// through the `sources` list every record has.
export const LINK_FIELD: Record<string, string> = {
  event: 'event_ids',
  act: 'act_ids',
  person: 'person_ids',
  source: 'sources',
};

export function formatBytes(n: number | undefined): string {
  if (n === undefined) return '';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return (i === 0 ? formatNumber(v) : formatNumber(Math.round(v * 10) / 10)) + ' ' + units[i];
}

function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

let uploadForm: ComponentType<UploadFormProps> | null = null;

interface Props {
  type: string;
  id: string;
  level: string;
  deleted: boolean;
  // Evidence ids among the records that refer to this one (from its links):
  // a source's evidence is found this way.
  linkedIds: string[];
}

export function EvidencePanel({ type, id, level, deleted, linkedIds }: Props) {
  const [items, setItems] = useState<Evidence[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [reload, setReload] = useState(0);
  const [form, setForm] = useState<ComponentType<UploadFormProps> | null>(() => null);
  const [opening, setOpening] = useState(false);
  const [added, setAdded] = useState<string | null>(null);
  const field = LINK_FIELD[type];

  useEffect(() => {
    setError(null);
    const load =
      field === 'sources'
        ? // No list filter reaches inside `sources`: the links name them.
          Promise.all(linkedIds.slice(0, 50).map((eid) => get<Evidence>(`/evidence/${eid}`).catch(() => null))).then(
            (list) => list.filter((e): e is Evidence => e !== null),
          )
        : get<{ items: Evidence[] }>('/evidence', { [field]: id, sort: '-id', limit: 100 }).then((page) => page.items);
    load.then(setItems, setError);
  }, [id, reload, linkedIds.join(',')]);

  const openForm = async () => {
    setOpening(true);
    try {
      if (!uploadForm) uploadForm = (await import('./EvidenceUpload')).EvidenceUpload;
      const c = uploadForm;
      setForm(() => c);
    } catch (e) {
      setError(e);
    } finally {
      setOpening(false);
    }
  };
  const Form = form;
  return (
    <section class="evidence" aria-labelledby="evidence-title">
      <h2 id="evidence-title">{t('evidence.title')}</h2>
      {added && (
        <p class="notice" role="status">
          {t('evidence.added')}
        </p>
      )}
      {can('evidence:upload') && !deleted && !Form && (
        <p>
          <button type="button" class="secondary" disabled={opening} onClick={openForm}>
            {t('evidence.attach')}
          </button>
        </p>
      )}
      {Form && (
        <Form
          type={type}
          id={id}
          level={level}
          onDone={(evidenceId) => {
            setAdded(evidenceId);
            setReload((n) => n + 1);
          }}
          onClose={() => setForm(() => null)}
        />
      )}
      {error instanceof ApiError && error.status === 503 ? (
        // Started without the key file: say so rather than "server error".
        <p class="notice warn">{t('evidence.off')}</p>
      ) : (
        <ErrorBox error={error} />
      )}
      {!items && !error && <Loading />}
      {items && items.length === 0 && <p class="muted">{t('evidence.none')}</p>}
      {items && items.length > 0 && (
        <ul class="evidence-list">
          {items.map((e) => (
            <EvidenceItem key={e.id} evidence={e} />
          ))}
        </ul>
      )}
    </section>
  );
}

function Meta({ label, children }: { label: string; children: preact.ComponentChildren }) {
  return (
    <div class="field-view">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

export function EvidenceItem({ evidence: e }: { evidence: Evidence }) {
  const [thumb, setThumb] = useState(true);
  const download = can('evidence:download');
  const previewable = /^(image|video)\//.test(e.media_type ?? '');
  const c = e.capture ?? {};
  const gps =
    c.latitude !== undefined && c.longitude !== undefined
      ? `${c.latitude.toFixed(5)}, ${c.longitude.toFixed(5)}` +
        (c.altitude !== undefined ? ` (${Math.round(c.altitude)} m)` : '')
      : '';
  const camera = [c.camera_make, c.camera_model].filter(Boolean).join(' ');
  return (
    <li class="evidence-item" data-evidence-id={e.id}>
      <div class="evidence-thumb">
        {download && previewable && thumb ? (
          <img
            src={`/api/v1/evidence/${e.id}/thumbnail`}
            alt={t('evidence.preview_of', { title: e.title })}
            loading="lazy"
            onError={() => setThumb(false)}
          />
        ) : (
          <span class="evidence-kind" aria-hidden="true">
            {(e.media_type ?? '?').split('/')[0]}
          </span>
        )}
      </div>
      <div class="evidence-body">
        <h3>
          <a href={recordPath('evidence', e.id)}>{e.title}</a> <ConfBadge level={e.confidentiality} />
        </h3>
        {e.description && <p>{e.description}</p>}
        {e.flags && e.flags.length > 0 && (
          <div class="notice warn evidence-flags" role="note">
            <strong>{t('evidence.flags')}</strong>
            <ul>
              {e.flags.map((f, i) => (
                <li key={i}>
                  {tOr('evidence.flag.' + f.field, f.field)}: {t('evidence.flag_entered')} {f.entered ?? '—'},{' '}
                  {t('evidence.flag_found')} {f.found ?? '—'}
                  {f.note ? ' (' + f.note + ')' : ''}
                </li>
              ))}
            </ul>
          </div>
        )}
        <dl class="fields evidence-meta">
          <Meta label={t('evidence.sha256')}>
            <code class="sha256">{e.sha256}</code>
          </Meta>
          <Meta label={t('evidence.media_type')}>
            <span class="media-type">{e.media_type}</span>
            {c.kind && <span class="muted small"> · {c.kind}</span>}
          </Meta>
          <Meta label={t('evidence.size')}>{formatBytes(e.size)}</Meta>
          {e.file_name && <Meta label={t('evidence.file_name')}>{e.file_name}</Meta>}
          {e.captured_on && <Meta label={t('evidence.captured_on')}>{formatFuzzyDate(e.captured_on)}</Meta>}
          {(c.taken_at || c.creation_time) && (
            <Meta label={t('evidence.capture_time')}>{c.taken_at ?? c.creation_time}</Meta>
          )}
          {gps && <Meta label={t('evidence.gps')}>{gps}</Meta>}
          {camera && <Meta label={t('evidence.camera')}>{camera}</Meta>}
          {c.width !== undefined && c.height !== undefined && (
            <Meta label={t('evidence.dimensions')}>
              {c.width} × {c.height}
            </Meta>
          )}
          {c.duration_seconds !== undefined && (
            <Meta label={t('evidence.duration')}>{formatDuration(c.duration_seconds)}</Meta>
          )}
          {e.created_at && (
            <Meta label={t('evidence.uploaded')}>
              {formatTimestamp(e.created_at)}
              {e.created_by ? ' · ' + e.created_by : ''}
            </Meta>
          )}
        </dl>
        {c.warnings && c.warnings.length > 0 && (
          <p class="muted small">
            {t('evidence.metadata_warnings')}: {c.warnings.join('; ')}
          </p>
        )}
        {download && (
          <p>
            <a class="button secondary small" href={`/api/v1/evidence/${e.id}/file`} download={e.file_name || true}>
              {t('evidence.download')}
            </a>
          </p>
        )}
        <Custody id={e.id} />
      </div>
    </li>
  );
}

// The chain of custody, read when the reader opens it (each read of the
// record is itself a custody entry, so it is not fetched for nothing).
function Custody({ id }: { id: string }) {
  const [open, setOpen] = useState(false);
  const [data, setData] = useState<{ intact: boolean; items: CustodyEntry[] } | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (!open) return;
    get(`/evidence/${id}/custody`).then(setData, setError);
  }, [open, id]);
  return (
    <details class="custody" onToggle={(ev) => setOpen((ev.currentTarget as HTMLDetailsElement).open)}>
      <summary>{t('evidence.custody')}</summary>
      <ErrorBox error={error} />
      {open && !data && !error && <Loading />}
      {data && (
        <>
          <p class={data.intact ? 'muted small' : 'notice warn'}>
            {data.intact ? t('evidence.custody_intact') : t('evidence.custody_broken')}
          </p>
          <div class="table-wrap">
            <table class="custody-table">
              <thead>
                <tr>
                  <th scope="col">{t('evidence.custody_when')}</th>
                  <th scope="col">{t('evidence.custody_who')}</th>
                  <th scope="col">{t('evidence.custody_action')}</th>
                  <th scope="col">{t('evidence.custody_from')}</th>
                  <th scope="col">{t('evidence.sha256')}</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((entry) => (
                  <tr key={entry.seq}>
                    <td>{formatTimestamp(entry.at)}</td>
                    <td>{entry.actor}</td>
                    <td>{tOr('evidence.action.' + entry.action, entry.action)}</td>
                    <td>{entry.remote}</td>
                    <td>
                      <code title={entry.sha256}>{entry.sha256.slice(0, 12)}…</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </details>
  );
}

// The file of one evidence record, on that record's own page.
export function EvidenceFile({ evidence }: { evidence: Evidence }) {
  return (
    <section class="evidence" aria-labelledby="evidence-title">
      <h2 id="evidence-title">{t('evidence.file')}</h2>
      <ul class="evidence-list">
        <EvidenceItem evidence={evidence} />
      </ul>
    </section>
  );
}
