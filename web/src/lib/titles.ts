// Titles of records by id, fetched in batches (GET /api/v1/titles) and kept
// for the session: a list of 50 acts names its victims with one request.
import { useEffect, useState } from 'preact/hooks';

import { get } from './api';

export interface TitleInfo {
  id: string;
  type: string;
  title: string;
  confidentiality: string;
  deleted: boolean;
}

const cache = new Map<string, TitleInfo | null>(); // null: not visible / does not exist
const waiting = new Set<string>();
const listeners = new Set<() => void>();
let scheduled = false;

function flush() {
  scheduled = false;
  const ids = [...waiting].slice(0, 200);
  ids.forEach((id) => waiting.delete(id));
  if (waiting.size) schedule();
  if (!ids.length) return;
  get<{ items: TitleInfo[] }>('/titles', { ids: ids.join(',') })
    .then((answer) => {
      ids.forEach((id) => cache.set(id, null));
      answer.items.forEach((item) => cache.set(item.id, item));
    })
    .catch(() => ids.forEach((id) => cache.delete(id)))
    .finally(() => listeners.forEach((fn) => fn()));
}

function schedule() {
  if (scheduled) return;
  scheduled = true;
  queueMicrotask(flush);
}

// Records the title of a record the page already has in full.
export function rememberTitle(info: TitleInfo) {
  cache.set(info.id, info);
}

export function forgetTitle(id: string) {
  cache.delete(id);
}

export function cachedTitle(id: string): TitleInfo | null | undefined {
  return cache.get(id);
}

// Titles of `ids`; entries appear as they arrive. A missing entry after
// loading means the record does not exist for this user.
export function useTitles(ids: string[]): Map<string, TitleInfo | null> {
  const [, setTick] = useState(0);
  const key = ids.join(',');
  useEffect(() => {
    const update = () => setTick((n) => n + 1);
    listeners.add(update);
    let missing = false;
    for (const id of ids) {
      if (id && !cache.has(id) && /^[0-9A-Za-z]{10,40}$/.test(id)) {
        waiting.add(id);
        missing = true;
      }
    }
    if (missing) schedule();
    return () => {
      listeners.delete(update);
    };
  }, [key]);
  const out = new Map<string, TitleInfo | null>();
  for (const id of ids) if (cache.has(id)) out.set(id, cache.get(id)!);
  return out;
}

// Every record id a record's body refers to (top level and nested).
export function referencedIds(value: unknown, fields: { name: string; kind: string; fields?: any[] }[]): string[] {
  const out: string[] = [];
  const walk = (v: any, spec: { name: string; kind: string; fields?: any[] }[]) => {
    if (!v || typeof v !== 'object') return;
    for (const f of spec) {
      const x = v[f.name];
      if (x === undefined || x === null) continue;
      if (f.kind === 'ref' && typeof x === 'string') out.push(x);
      else if (f.kind === 'ref_list' && Array.isArray(x)) out.push(...x.filter((s) => typeof s === 'string'));
      else if (f.kind === 'object' && f.fields) walk(x, f.fields);
      else if (f.kind === 'object_list' && Array.isArray(x) && f.fields) x.forEach((item) => walk(item, f.fields!));
    }
  };
  walk(value, fields);
  return [...new Set(out)];
}
