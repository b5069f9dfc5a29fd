// Attaching a file to a record: a resumable upload (tus 1.0 through
// tus-js-client) with progress, pause and resume. Over a failing regional
// link the client retries on its own and, when it gives up, the documenter
// resumes where it stopped; after a reload of the tab the same file (same
// name, size and date, for the same record) continues from the server's
// offset. Loaded only when someone opens the form: tus-js-client stays off
// the first page.
import { useEffect, useRef, useState } from 'preact/hooks';
import { DetailedError, Upload, type PreviousUpload, type UrlStorage } from 'tus-js-client';
import { currentCsrfToken } from '../lib/api';
import { formatNumber, t } from '../lib/i18n';
import { termLabel, terms } from '../lib/schema';
import { visibleLevels } from '../lib/session';
import { FUZZY_DATE } from '../lib/dates';
import { FuzzyDateInput } from './FuzzyDateInput';
import { formatBytes, LINK_FIELD } from './EvidencePanel';
import { translateMessage } from './ui';

export interface UploadFormProps {
  type: string; // the record the file is attached to
  id: string;
  level: string; // its confidentiality: the file's default
  onDone: (evidenceId: string) => void;
  onClose: () => void;
}

// Where unfinished uploads are remembered for resuming: the tab's
// sessionStorage, not localStorage, because the metadata holds the title
// (which may name a victim) and sign-out wipes sessionStorage.
class SessionUrlStorage implements UrlStorage {
  private entries(prefix: string): PreviousUpload[] {
    const out: PreviousUpload[] = [];
    for (let i = 0; i < sessionStorage.length; i++) {
      const key = sessionStorage.key(i)!;
      if (!key.startsWith(prefix)) continue;
      try {
        out.push({ ...JSON.parse(sessionStorage.getItem(key)!), urlStorageKey: key });
      } catch {
        // A damaged entry must not stop an upload.
      }
    }
    return out;
  }
  async findAllUploads() {
    return this.entries('tus::');
  }
  async findUploadsByFingerprint(fingerprint: string) {
    return this.entries('tus::' + fingerprint + '::');
  }
  async removeUpload(key: string) {
    sessionStorage.removeItem(key);
  }
  async addUpload(fingerprint: string, upload: PreviousUpload) {
    const key = 'tus::' + fingerprint + '::' + Math.round(Math.random() * 1e12);
    sessionStorage.setItem(key, JSON.stringify(upload));
    return key;
  }
}

type State = 'idle' | 'uploading' | 'paused' | 'failed' | 'done';

// The server's words for a refused request ({"error": {"message", "field"}}).
function uploadError(error: Error): string {
  if (error instanceof DetailedError && error.originalResponse) {
    const status = error.originalResponse.getStatus();
    try {
      const body = JSON.parse(error.originalResponse.getBody());
      const e = body?.error;
      if (e?.message) return (e.field ? e.field + ': ' : '') + translateMessage(e.message);
    } catch {
      // not JSON: say the status
    }
    if (status === 401) return t('error.signed_out');
    if (status === 413) return t('upload.too_large');
    return t('error.server') + ' (' + status + ')';
  }
  return t('upload.network');
}

export function EvidenceUpload({ type, id, level, onDone, onClose }: UploadFormProps) {
  const levels = visibleLevels();
  const [file, setFile] = useState<File | null>(null);
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [capturedOn, setCapturedOn] = useState<string | undefined>(undefined);
  const [confidentiality, setConfidentiality] = useState(
    levels.includes(level) && level !== 'public' ? level : 'internal',
  );
  const [state, setState] = useState<State>('idle');
  const [sent, setSent] = useState(0);
  const [problem, setProblem] = useState('');
  const upload = useRef<Upload | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  // Leaving the page stops sending; the upload stays resumable.
  useEffect(() => () => void upload.current?.abort(), []);

  const check = (): string => {
    if (!file) return t('upload.choose_file');
    if (!title.trim()) return t('upload.title_required');
    if (capturedOn && !FUZZY_DATE.test(capturedOn)) return t('msg.date');
    return '';
  };

  const start = async () => {
    const wrong = check();
    if (wrong) {
      setProblem(wrong);
      return;
    }
    setProblem('');
    const record: Record<string, unknown> = { title: title.trim(), confidentiality };
    if (description.trim()) record.description = description.trim();
    if (capturedOn) record.captured_on = capturedOn;
    const field = LINK_FIELD[type];
    record[field] = field === 'sources' ? [{ source_id: id }] : [id];
    let evidenceId = '';
    const u = new Upload(file!, {
      endpoint: '/api/v1/uploads',
      chunkSize: 8 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000],
      headers: { 'X-CSRF-Token': currentCsrfToken() },
      metadata: { filename: file!.name, filetype: file!.type, record: JSON.stringify(record) },
      urlStorage: new SessionUrlStorage(),
      removeFingerprintOnSuccess: true,
      // The same file attached to another record is another upload.
      fingerprint: async (f: File) => ['kuzot', type, id, f.name, f.size, f.lastModified].join('/'),
      onProgress: (bytes) => setSent(bytes),
      onAfterResponse: (_req, res) => {
        const header = res.getHeader('Kuzot-Evidence-Id');
        if (header) evidenceId = header;
      },
      onSuccess: () => {
        setState('done');
        onDone(evidenceId);
      },
      onError: (error) => {
        setProblem(uploadError(error));
        // Refused before any byte was taken (a wrong field, too large): the
        // form opens again to be corrected; otherwise it resumes.
        setState(u.url ? 'failed' : 'idle');
      },
    });
    upload.current = u;
    setState('uploading');
    const previous = await u.findPreviousUploads();
    if (previous.length) u.resumeFromPreviousUpload(previous[0]);
    u.start();
  };

  const pause = async () => {
    await upload.current?.abort();
    setState('paused');
  };
  const resume = () => {
    setProblem('');
    setState('uploading');
    upload.current?.start();
  };
  // Gives up the upload: the server removes what it received (tus
  // termination) and the form opens again.
  const abandon = async () => {
    try {
      await upload.current?.abort(true);
    } catch {
      // Already gone on the server: nothing is left to remove.
    }
    upload.current = null;
    setSent(0);
    setProblem('');
    setState('idle');
  };
  const again = () => {
    upload.current = null;
    setFile(null);
    setTitle('');
    setDescription('');
    setCapturedOn(undefined);
    setSent(0);
    setState('idle');
    if (fileInput.current) fileInput.current.value = '';
  };

  const total = file?.size ?? 0;
  const percent = total ? Math.floor((sent / total) * 100) : state === 'done' ? 100 : 0;
  const busy = state === 'uploading' || state === 'paused';
  return (
    <form
      class="evidence-upload card"
      aria-labelledby="upload-title"
      onSubmit={(e) => {
        e.preventDefault();
        if (state === 'idle') void start();
      }}
    >
      <h3 id="upload-title">{t('upload.title')}</h3>
      <div class="field">
        <label for="upload-file">{t('upload.file')}</label>
        <input
          id="upload-file"
          ref={fileInput}
          type="file"
          disabled={state !== 'idle'}
          onChange={(e) => {
            const f = (e.target as HTMLInputElement).files?.[0] ?? null;
            setFile(f);
            if (f && !title) setTitle(f.name.replace(/\.[^.]+$/, ''));
          }}
        />
        <p class="hint muted small">{t('upload.file_hint')}</p>
      </div>
      <div class="field">
        <label for="upload-name">
          {t('upload.name')}
          <span class="req" aria-hidden="true">
            {' '}
            *
          </span>
        </label>
        <input
          id="upload-name"
          type="text"
          required
          disabled={state !== 'idle'}
          value={title}
          onInput={(e) => setTitle((e.target as HTMLInputElement).value)}
        />
      </div>
      <div class="field">
        <label for="upload-description">{t('upload.description')}</label>
        <textarea
          id="upload-description"
          rows={2}
          disabled={state !== 'idle'}
          value={description}
          onInput={(e) => setDescription((e.target as HTMLTextAreaElement).value)}
        />
      </div>
      <div class="field">
        <FuzzyDateInput
          id="upload-captured"
          legend={t('upload.captured_on')}
          value={capturedOn}
          onChange={setCapturedOn}
        />
        <p class="hint muted small">{t('upload.captured_hint')}</p>
      </div>
      <div class="field">
        <label for="upload-conf">{t('f.confidentiality')}</label>
        <select
          id="upload-conf"
          disabled={state !== 'idle'}
          value={confidentiality}
          onChange={(e) => setConfidentiality((e.target as HTMLSelectElement).value)}
        >
          {terms('confidentiality')
            .filter((o) => levels.includes(o.code))
            .map((o) => (
              <option key={o.code} value={o.code}>
                {termLabel('confidentiality', o.code)}
              </option>
            ))}
        </select>
      </div>
      {state !== 'idle' && (
        <div class="upload-progress">
          <label for="upload-progress">{t('upload.progress')}</label>
          <progress id="upload-progress" max={100} value={percent}>
            {percent}%
          </progress>
          <p role="status" class="small upload-status" data-state={state}>
            {state === 'done'
              ? t('upload.done')
              : t('upload.sent', {
                  sent: formatBytes(sent),
                  total: formatBytes(total),
                  percent: formatNumber(percent),
                }) + (state === 'paused' ? ' — ' + t('upload.paused') : '')}
          </p>
        </div>
      )}
      {problem && (
        <p class="error-box" role="alert">
          {problem}
        </p>
      )}
      <div class="form-actions">
        {state === 'idle' && (
          <button type="submit" class="primary">
            {t('upload.start')}
          </button>
        )}
        {state === 'uploading' && (
          <button type="button" class="secondary" onClick={pause}>
            {t('upload.pause')}
          </button>
        )}
        {(state === 'paused' || state === 'failed') && (
          <button type="button" class="primary" onClick={resume}>
            {t('upload.resume')}
          </button>
        )}
        {(state === 'paused' || state === 'failed') && (
          <button type="button" class="secondary danger" onClick={abandon}>
            {t('upload.abandon')}
          </button>
        )}
        {state === 'done' && (
          <button type="button" class="secondary" onClick={again}>
            {t('upload.another')}
          </button>
        )}
        {!busy && (
          <button type="button" class="secondary" onClick={onClose}>
            {t('common.close')}
          </button>
        )}
      </div>
    </form>
  );
}
