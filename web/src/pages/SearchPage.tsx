// Everything that matches, across record types and scripts: "Askarov"
// finds "Аскаров". Words are matched as typed; a trailing * matches the
// beginning of a word.
import { useEffect, useState } from 'preact/hooks';
import { get } from '../lib/api';
import { t } from '../lib/i18n';
import { navigate, withQuery, type RouteProps } from '../lib/router';
import { typeLabel } from '../lib/schema';
import { recordPath, TYPES } from '../lib/types';
import { type SearchHit } from '../components/RefPicker';
import { ConfBadge, Empty, ErrorBox, Loading, PageTitle, titleText } from '../components/ui';

const PAGE = 20;

// "[Аскаров] Азимжан" with the matched words marked.
function Snippet({ text }: { text: string }) {
  const parts = text.split(/(\[[^\]]*\])/);
  return (
    <span class="snippet">
      {parts.map((p, i) =>
        p.startsWith('[') && p.endsWith(']') ? <mark key={i}>{p.slice(1, -1)}</mark> : <span key={i}>{p}</span>,
      )}
    </span>
  );
}

export function SearchPage({ query }: RouteProps) {
  const q = query.get('q') ?? '';
  const type = query.get('type') ?? '';
  const [text, setText] = useState(q);
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => setText(q), [q]);
  const load = async (offset: number) => {
    setError(null);
    try {
      const answer = await get<{ items: SearchHit[] }>('/search', {
        q,
        type: type || undefined,
        limit: PAGE + 1,
        offset,
      });
      const items = answer.items.slice(0, PAGE);
      setHits((h) => (offset ? [...(h ?? []), ...items] : items));
      setMore(answer.items.length > PAGE);
    } catch (e) {
      setError(e);
      if (!offset) setHits([]);
    }
  };
  useEffect(() => {
    setHits(null);
    if (q.trim()) load(0);
  }, [q, type]);
  return (
    <div class="search-page">
      <PageTitle>{t('search.title')}</PageTitle>
      <form
        role="search"
        class="search-form"
        onSubmit={(e) => {
          e.preventDefault();
          navigate(withQuery('/search', query, { q: text.trim() }));
        }}
      >
        <label for="search-q">{t('search.label')}</label>
        <input
          id="search-q"
          type="search"
          value={text}
          onInput={(e) => setText((e.target as HTMLInputElement).value)}
        />
        <label for="search-type">{t('search.type')}</label>
        <select
          id="search-type"
          value={type}
          onChange={(e) => navigate(withQuery('/search', query, { type: (e.target as HTMLSelectElement).value }))}
        >
          <option value="">{t('search.all_types')}</option>
          {TYPES.map((ty) => (
            <option key={ty.name} value={ty.name}>
              {typeLabel(ty.name)}
            </option>
          ))}
        </select>
        <button type="submit" class="primary">
          {t('search.submit')}
        </button>
      </form>
      <p class="hint">{t('search.hint')}</p>
      <ErrorBox error={error} />
      {q && hits === null && !error && <Loading />}
      {hits && hits.length === 0 && !error && <Empty>{t('search.none', { q })}</Empty>}
      {hits && hits.length > 0 && (
        <>
          <p role="status" class="muted">
            {t('search.results', { q })}
          </p>
          <ol class="results">
            {hits.map((h) => (
              <li key={h.id}>
                <a href={recordPath(h.type, h.id)} class="result-title">
                  {titleText({ ...h, deleted: false })}
                </a>{' '}
                <span class="muted small">{typeLabel(h.type, false)}</span>{' '}
                <ConfBadge
                  level={
                    h.confidentiality === 'restricted' || h.confidentiality === 'secret' ? h.confidentiality : undefined
                  }
                />
                <div class="small">
                  <Snippet text={h.snippet} />
                </div>
              </li>
            ))}
          </ol>
          {more && (
            <button type="button" class="secondary" onClick={() => load(hits.length)}>
              {t('search.more')}
            </button>
          )}
        </>
      )}
    </div>
  );
}
