// Small pieces shared by every page.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { ApiError } from '../lib/api';
import { t, tOr } from '../lib/i18n';
import { termLabel } from '../lib/schema';
import type { TitleInfo } from '../lib/titles';
import { recordPath } from '../lib/types';

// The page's heading; takes the focus when the page opens so that keyboard
// and screen-reader users start at the top of the new content.
export function PageTitle({ children, sub }: { children: ComponentChildren; sub?: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus({ preventScroll: true });
  }, []);
  return (
    <div class="page-title">
      <h1 tabIndex={-1} ref={ref}>
        {children}
      </h1>
      {sub && <div class="page-sub">{sub}</div>}
    </div>
  );
}

// Restricted and secret records carry a visible mark; the others a quiet one.
export function ConfBadge({ level }: { level?: string }) {
  if (!level) return null;
  return (
    <span class={'conf conf-' + level} title={t('f.confidentiality')}>
      {termLabel('confidentiality', level)}
    </span>
  );
}

export function Loading() {
  return (
    <p class="loading" role="status">
      {t('common.loading')}
    </p>
  );
}

// The words for an API error in the interface language.
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'network') return t('error.network');
    if (error.status === 404) return t('error.not_found');
    if (error.status === 403) return t('error.forbidden') + (error.message ? ' (' + error.message + ')' : '');
    if (error.status === 401) return t('error.signed_out');
    if (error.status >= 500) return t('error.server');
    return translateMessage(error.message);
  }
  return String((error as Error)?.message ?? error);
}

// The server's validation messages are English; the common ones are said
// in the interface language, the rest shown as they came.
const MESSAGE_KEYS: [RegExp, string][] = [
  [/^is required/, 'msg.required'],
  [/^must be a whole number/, 'msg.integer'],
  [/^must be a number/, 'msg.number'],
  [/is not a valid date/, 'msg.date'],
  [/which does not exist$/, 'msg.no_record'],
  [/is not a term of the vocabulary/, 'msg.term'],
  [/^must be at least|^must be between|^must be at most/, 'msg.range'],
];

export function translateMessage(message: string): string {
  for (const [pattern, key] of MESSAGE_KEYS) {
    if (pattern.test(message)) {
      const words = tOr(key, '');
      if (words) return words + (key === 'msg.required' ? '' : ' (' + message + ')');
    }
  }
  return message;
}

export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p class="error-box" role="alert">
      {errorText(error)}
    </p>
  );
}

// A record's title from the titles endpoint, in the interface language.
export function titleText(info: TitleInfo): string {
  if (info.type === 'act') {
    const [code, object] = info.title.split(': ');
    return termLabel('act_type', code) + (object ? ' — ' + termLabel('object_kind', object) : '');
  }
  if (info.type === 'claim') {
    const [indicator, value] = info.title.split(': ');
    return termLabel('indicator', indicator) + ': ' + (value ?? '');
  }
  return info.title;
}

export function RecordLink({ info }: { info: TitleInfo }) {
  return (
    <span class="record-link">
      <a href={recordPath(info.type, info.id)}>{titleText(info) || info.id}</a>
      {(info.confidentiality === 'restricted' || info.confidentiality === 'secret') && (
        <ConfBadge level={info.confidentiality} />
      )}
      {info.deleted && <span class="tag-deleted">{t('record.deleted_tag')}</span>}
    </span>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="empty">{children}</p>;
}

// CSV and XLSX links to the same table as the page shows; `url` gives the
// address for a format.
export function Downloads({ url }: { url: (format: 'csv' | 'xlsx') => string }) {
  return (
    <>
      <a class="button secondary small" href={url('csv')} download>
        {t('stats.csv')}
      </a>{' '}
      <a class="button secondary small" href={url('xlsx')} download>
        {t('stats.xlsx')}
      </a>
    </>
  );
}
