// Who is signed in, what they may do, and the data every page needs
// (schema, vocabularies, settings), loaded once per session.
import { api, get, setCsrfToken } from './api';
import { createStore } from './store';
import type { Schema, Vocabularies } from './schema';

export interface User {
  username: string;
  display_name: string;
  role: string;
}

export interface Me {
  user: User;
  clearance: string;
  sees_sensitive: boolean;
  csrf_token?: string;
}

export interface Config {
  tile_url: string;
  tile_attribution: string;
}

export interface Boot {
  schema: Schema;
  vocabularies: Vocabularies;
  config: Config;
}

export const meStore = createStore<Me | null>(null);
export const bootStore = createStore<Boot | null>(null);
// True while the session has expired and the sign-in dialog is open.
export const reauthStore = createStore<boolean>(false);

// The permission table of doc/security.md, for showing only the actions a
// role may take (the server checks every request regardless).
const PERMISSIONS: Record<string, string[]> = {
  'records:write': ['admin', 'coordinator', 'documenter', 'lawyer'],
  'records:delete': ['admin', 'coordinator'],
  'vocabularies:write': ['admin', 'coordinator'],
  'users:manage': ['admin'],
  'audit:read': ['admin'],
  'evidence:upload': ['admin', 'coordinator', 'documenter', 'lawyer'],
  'evidence:download': ['admin', 'coordinator', 'documenter', 'lawyer'],
  'stats:estimate': ['admin', 'coordinator', 'analyst'],
  'linkage:read': ['admin', 'coordinator', 'documenter', 'lawyer', 'analyst'],
  'linkage:review': ['admin', 'coordinator', 'documenter', 'analyst'],
  'linkage:write': ['admin', 'coordinator', 'documenter'],
};

export function can(permission: string): boolean {
  const me = meStore.get();
  if (!me) return false;
  const roles = PERMISSIONS[permission];
  return roles ? roles.includes(me.user.role) : true;
}

export const LEVELS = ['public', 'internal', 'restricted', 'secret'];

// The confidentiality levels the signed-in user may open (and set).
export function visibleLevels(): string[] {
  const me = meStore.get();
  const top = me ? LEVELS.indexOf(me.clearance) : 0;
  return LEVELS.slice(0, top + 1);
}

export function seesSensitive(): boolean {
  return meStore.get()?.sees_sensitive ?? false;
}

async function loadBoot(): Promise<void> {
  const [schema, vocabularies, config] = await Promise.all([
    get<Schema>('/schema'),
    get<Vocabularies>('/vocabularies'),
    get<Config>('/config'),
  ]);
  bootStore.set({ schema, vocabularies, config });
}

// Resumes the session the cookie holds, if any.
export async function resume(): Promise<boolean> {
  try {
    const me = await get<Me>('/auth/me');
    setCsrfToken(me.csrf_token ?? '');
    meStore.set(me);
    await loadBoot();
    return true;
  } catch {
    return false;
  }
}

export async function login(username: string, password: string): Promise<void> {
  const answer = await api<{ csrf_token: string }>('POST', '/auth/login', { username, password });
  setCsrfToken(answer.csrf_token);
  const me = await get<Me>('/auth/me');
  const previous = meStore.get();
  meStore.set(me);
  if (!bootStore.get() || previous?.user.username !== me.user.username) await loadBoot();
  reauthStore.set(false);
}

export async function logout(): Promise<void> {
  try {
    await api('POST', '/auth/logout');
  } finally {
    setCsrfToken('');
    // Drafts may hold names of victims: they do not outlive the session.
    sessionStorage.clear();
    meStore.set(null);
    bootStore.set(null);
  }
}
