// Choosing records by typing part of a name, in any script: an ARIA
// combobox over GET /api/v1/search. One record (ref) or several (ref_list).
import { useEffect, useRef, useState } from 'preact/hooks';
import { get } from '../lib/api';
import { t } from '../lib/i18n';
import { typeLabel } from '../lib/schema';
import { rememberTitle, useTitles, type TitleInfo } from '../lib/titles';
import { ConfBadge, titleText } from './ui';

// One answer of GET /api/v1/search.
export interface SearchHit {
  id: string;
  type: string;
  title: string;
  snippet: string;
  confidentiality: string;
}

interface Props {
  id: string;
  types: string[];
  value: string | string[] | undefined;
  multiple?: boolean;
  onChange: (value: string | string[] | undefined) => void;
  invalid?: boolean;
  describedBy?: string;
  // Leaves out records already chosen elsewhere (or the record itself).
  exclude?: string[];
  placeholder?: string;
}

// The search expression for what was typed so far: every word, the last
// one as a prefix ("Abdyk" finds "Абдыкадырова").
export function prefixQuery(text: string): string {
  const words = text
    .trim()
    .split(/\s+/)
    .filter((w) => /[\p{L}\p{N}]/u.test(w));
  if (!words.length) return '';
  return words.map((w, i) => (i === words.length - 1 && !w.endsWith('*') ? w + '*' : w)).join(' ');
}

export function RefPicker({ id, types, value, multiple, onChange, invalid, describedBy, exclude, placeholder }: Props) {
  const chosen = (Array.isArray(value) ? value : value ? [value] : []).filter(Boolean);
  const titles = useTitles(chosen);
  const [text, setText] = useState('');
  const [hits, setHits] = useState<SearchHit[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [searching, setSearching] = useState(false);
  const timer = useRef<number>();
  const serial = useRef(0);
  const listId = id + '-list';

  useEffect(() => () => window.clearTimeout(timer.current), []);

  const search = (typed: string) => {
    window.clearTimeout(timer.current);
    const q = prefixQuery(typed);
    if (!q) {
      setHits([]);
      setOpen(false);
      return;
    }
    timer.current = window.setTimeout(async () => {
      const mine = ++serial.current;
      setSearching(true);
      try {
        const answer = await get<{ items: SearchHit[] }>('/search', { q, type: types, limit: 8 });
        if (mine !== serial.current) return;
        const skip = new Set([...(exclude ?? []), ...chosen]);
        setHits(answer.items.filter((h) => !skip.has(h.id)));
        setActive(-1); // no suggestion is chosen until the arrows move to one
        setOpen(true);
      } catch {
        if (mine === serial.current) setHits([]);
      } finally {
        if (mine === serial.current) setSearching(false);
      }
    }, 220);
  };

  const choose = (hit: SearchHit) => {
    rememberTitle({
      id: hit.id,
      type: hit.type,
      title: hit.title,
      confidentiality: hit.confidentiality,
      deleted: false,
    });
    if (multiple) onChange([...chosen, hit.id]);
    else onChange(hit.id);
    setText('');
    setHits([]);
    setOpen(false);
  };

  const remove = (rid: string) => {
    if (multiple) {
      const next = chosen.filter((c) => c !== rid);
      onChange(next.length ? next : undefined);
    } else {
      onChange(undefined);
    }
    document.getElementById(id)?.focus();
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      if (!open && hits.length) {
        setOpen(true);
        setActive(0);
      } else setActive((a) => Math.min(a + 1, hits.length - 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (event.key === 'Enter') {
      // Enter takes the highlighted suggestion, or the first one.
      const hit = hits[active] ?? (open ? hits[0] : undefined);
      if (hit) {
        event.preventDefault();
        choose(hit);
      }
    } else if (event.key === 'Escape') {
      if (open) {
        event.preventDefault();
        event.stopPropagation();
        setOpen(false);
      }
    }
  };

  const showInput = multiple || chosen.length === 0;
  return (
    <div class="ref-picker">
      {chosen.length > 0 && (
        <ul class="chips" aria-label={t('picker.chosen')}>
          {chosen.map((rid) => {
            const info = titles.get(rid);
            const label = info ? titleText(info as TitleInfo) : info === null ? t('record.unavailable') : '…';
            return (
              <li class="chip" key={rid}>
                <span>{label}</span>
                {info && (
                  <ConfBadge
                    level={
                      info.confidentiality === 'restricted' || info.confidentiality === 'secret'
                        ? info.confidentiality
                        : undefined
                    }
                  />
                )}
                <button
                  type="button"
                  class="chip-remove"
                  onClick={() => remove(rid)}
                  aria-label={t('picker.remove', { name: label })}
                >
                  ×
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {showInput && (
        <div class="combo">
          <input
            id={id}
            type="text"
            role="combobox"
            autoComplete="off"
            spellcheck={false}
            aria-autocomplete="list"
            aria-expanded={open}
            aria-controls={listId}
            aria-activedescendant={open && hits[active] ? listId + '-' + active : undefined}
            aria-invalid={invalid || undefined}
            aria-describedby={describedBy}
            placeholder={placeholder ?? t('picker.placeholder')}
            value={text}
            onInput={(e) => {
              const v = (e.target as HTMLInputElement).value;
              setText(v);
              search(v);
            }}
            onKeyDown={onKeyDown}
            onBlur={() => window.setTimeout(() => setOpen(false), 150)}
          />
          {searching && (
            <span class="combo-status" aria-hidden="true">
              …
            </span>
          )}
          <ul id={listId} role="listbox" class={'combo-list' + (open ? ' open' : '')} aria-label={t('picker.results')}>
            {open && hits.length === 0 && (
              <li class="combo-empty" role="option" aria-disabled="true" aria-selected={false}>
                {t('picker.none')}
              </li>
            )}
            {open &&
              hits.map((hit, i) => (
                <li
                  key={hit.id}
                  id={listId + '-' + i}
                  role="option"
                  aria-selected={i === active}
                  class={i === active ? 'active' : ''}
                  onMouseDown={(e) => {
                    e.preventDefault();
                    choose(hit);
                  }}
                >
                  <span class="combo-title">{titleText(hit as unknown as TitleInfo)}</span>
                  {types.length > 1 && <span class="muted"> · {typeLabel(hit.type, false)}</span>}
                  <ConfBadge
                    level={
                      hit.confidentiality === 'restricted' || hit.confidentiality === 'secret'
                        ? hit.confidentiality
                        : undefined
                    }
                  />
                  <span class="combo-snippet">
                    {hit.snippet
                      .replace(/[\[\]]/g, '')
                      .split('\n')
                      .slice(1, 3)
                      .join(' · ')}
                  </span>
                </li>
              ))}
          </ul>
        </div>
      )}
    </div>
  );
}
