// Client-side routing over the History API. The server answers every
// non-API path with index.html, so deep links and reloads work.
import type { ComponentType } from 'preact';
import { createStore, useStore } from './store';

export interface Location {
  path: string;
  query: URLSearchParams;
}

export interface RouteProps {
  params: Record<string, string>;
  query: URLSearchParams;
}

export interface Route {
  path: string; // "/events/:id"; ":name" matches one segment
  component: ComponentType<RouteProps>;
}

function current(): Location {
  return { path: location.pathname, query: new URLSearchParams(location.search) };
}

export const locationStore = createStore<Location>(current());

export function useLocation(): Location {
  return useStore(locationStore);
}

export function navigate(url: string, replace = false) {
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  locationStore.set(current());
  if (!replace) window.scrollTo(0, 0);
}

// Same-origin links navigate in place; modified clicks (new tab) and
// downloads keep the browser's behaviour.
export function installLinkHandler() {
  window.addEventListener('popstate', () => locationStore.set(current()));
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = (event.target as Element | null)?.closest?.('a');
    if (!anchor || anchor.target || anchor.hasAttribute('download')) return;
    const href = anchor.getAttribute('href');
    if (!href || href.startsWith('#') || anchor.origin !== location.origin) return;
    if (anchor.pathname.startsWith('/api/')) return;
    event.preventDefault();
    navigate(anchor.pathname + anchor.search);
  });
}

export function match(routes: Route[], path: string): { route: Route; params: Record<string, string> } | null {
  const parts = path.split('/').filter(Boolean);
  for (const route of routes) {
    const pattern = route.path.split('/').filter(Boolean);
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < pattern.length && ok; i++) {
      if (pattern[i].startsWith(':')) params[pattern[i].slice(1)] = decodeURIComponent(parts[i]);
      else ok = pattern[i] === parts[i];
    }
    if (ok) return { route, params };
  }
  return null;
}

// A URL with the query parameters changed (empty values removed).
export function withQuery(path: string, query: URLSearchParams, changes: Record<string, string | null>): string {
  const next = new URLSearchParams(query);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null || v === '') next.delete(k);
    else next.set(k, v);
  }
  const text = next.toString();
  return path + (text ? '?' + text : '');
}
