// Settings: the controlled vocabularies in three languages (coordinators
// and administrators edit them), user accounts and the audit log
// (administrators), and one's own API tokens for scripts.
import { useEffect, useState } from 'preact/hooks';
import { api, get } from '../lib/api';
import { formatTimestamp } from '../lib/dates';
import { t, tOr } from '../lib/i18n';
import type { RouteProps } from '../lib/router';
import { bootStore, can, meStore } from '../lib/session';
import type { Term, Vocabularies } from '../lib/schema';
import { Empty, ErrorBox, Loading, PageTitle } from '../components/ui';

const SECTIONS: { path: string; key: string; permission: string }[] = [
  { path: 'vocabularies', key: 'settings.vocabularies', permission: 'records:read' },
  { path: 'users', key: 'settings.users', permission: 'users:manage' },
  { path: 'audit', key: 'settings.audit', permission: 'audit:read' },
  { path: 'tokens', key: 'settings.tokens', permission: 'tokens:own' },
];

const ROLES = ['admin', 'coordinator', 'documenter', 'lawyer', 'analyst', 'viewer'];

export function mayOpenSettings(): boolean {
  return SECTIONS.some((s) => can(s.permission) && (s.path !== 'tokens' || meStore.get()?.user.role !== 'viewer'));
}

export function SettingsPage({ params }: RouteProps) {
  const allowed = SECTIONS.filter(
    (s) => can(s.permission) && (s.path !== 'tokens' || meStore.get()?.user.role !== 'viewer'),
  );
  const current = allowed.find((s) => s.path === (params.section ?? allowed[0]?.path));
  return (
    <div class="settings">
      <PageTitle>{t('settings.title')}</PageTitle>
      <nav class="tabs" aria-label={t('settings.title')}>
        {allowed.map((s) => (
          <a
            key={s.path}
            class="button secondary small"
            href={'/settings/' + s.path}
            aria-current={s === current ? 'page' : undefined}
          >
            {tOr(s.key, s.path)}
          </a>
        ))}
      </nav>
      {!current && <Empty>{t('notfound.text')}</Empty>}
      {current?.path === 'vocabularies' && <VocabularyEditor />}
      {current?.path === 'users' && <Users />}
      {current?.path === 'audit' && <AuditLog />}
      {current?.path === 'tokens' && <Tokens />}
    </div>
  );
}

function VocabularyEditor() {
  const vocabularies = bootStore.get()?.vocabularies ?? {};
  const names = Object.keys(vocabularies).sort();
  const [name, setName] = useState(names.includes('act_type') ? 'act_type' : names[0]);
  const [edited, setEdited] = useState<Record<string, Term>>({});
  const [saving, setSaving] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [newCode, setNewCode] = useState('');
  const editable = can('vocabularies:write');
  const terms = [...(bootStore.get()?.vocabularies[name] ?? [])].sort((a, b) => a.position - b.position);
  const value = (term: Term) => edited[term.code] ?? term;
  const set = (term: Term, change: Partial<Term>) =>
    setEdited({ ...edited, [term.code]: { ...value(term), ...change } });
  const save = async (term: Term) => {
    setSaving(term.code);
    setError(null);
    try {
      const v = value(term);
      await api('PUT', `/vocabularies/${encodeURIComponent(name)}/${encodeURIComponent(term.code)}`, {
        labels: v.labels,
        position: v.position,
        deprecated: v.deprecated,
      });
      const fresh = await get<Vocabularies>('/vocabularies');
      const boot = bootStore.get()!;
      bootStore.set({ ...boot, vocabularies: fresh });
      const rest = { ...edited };
      delete rest[term.code];
      setEdited(rest);
    } catch (e) {
      setError(e);
    } finally {
      setSaving('');
    }
  };
  const add = () => {
    const code = newCode.trim();
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(code) || terms.some((x) => x.code === code)) {
      setError(new Error(t('settings.bad_code')));
      return;
    }
    const term: Term = { code, labels: { en: '', ru: '', ky: '' }, position: terms.length, deprecated: false };
    const boot = bootStore.get()!;
    bootStore.set({ ...boot, vocabularies: { ...boot.vocabularies, [name]: [...terms, term] } });
    setEdited({ ...edited, [code]: term });
    setNewCode('');
  };
  return (
    <section>
      <p class="hint">{editable ? t('settings.vocab_hint') : t('settings.vocab_readonly')}</p>
      <label for="vocab-name">{t('settings.vocabulary')}</label>{' '}
      <select
        id="vocab-name"
        value={name}
        onChange={(e) => {
          setName((e.target as HTMLSelectElement).value);
          setEdited({});
        }}
      >
        {names.map((n) => (
          <option key={n} value={n}>
            {tOr('vocab.' + n, n)}
          </option>
        ))}
      </select>
      <ErrorBox error={error} />
      <div class="table-wrap">
        <table class="records vocab">
          <caption class="sr-only">{tOr('vocab.' + name, name)}</caption>
          <thead>
            <tr>
              <th scope="col">{t('settings.code')}</th>
              <th scope="col">English</th>
              <th scope="col">Русский</th>
              <th scope="col">Кыргызча</th>
              <th scope="col">{t('settings.deprecated')}</th>
              {editable && (
                <th scope="col">
                  <span class="sr-only">{t('form.save')}</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {terms.map((term) => {
              const v = value(term);
              return (
                <tr key={term.code}>
                  <td>
                    <code>{term.code}</code>
                  </td>
                  {(['en', 'ru', 'ky'] as const).map((l) => (
                    <td key={l} lang={l}>
                      {editable ? (
                        <input
                          type="text"
                          aria-label={`${term.code}: ${l}`}
                          value={v.labels[l] ?? ''}
                          onInput={(e) =>
                            set(term, { labels: { ...v.labels, [l]: (e.target as HTMLInputElement).value } })
                          }
                        />
                      ) : (
                        v.labels[l]
                      )}
                    </td>
                  ))}
                  <td>
                    {editable ? (
                      <input
                        type="checkbox"
                        aria-label={`${term.code}: ${t('settings.deprecated')}`}
                        checked={v.deprecated}
                        onChange={(e) => set(term, { deprecated: (e.target as HTMLInputElement).checked })}
                      />
                    ) : v.deprecated ? (
                      t('common.yes')
                    ) : (
                      ''
                    )}
                  </td>
                  {editable && (
                    <td>
                      <button
                        type="button"
                        class="secondary small"
                        disabled={!edited[term.code] || saving === term.code}
                        onClick={() => save(term)}
                      >
                        {t('form.save')}
                      </button>
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {editable && (
        <p class="inline-form">
          <label for="new-code">{t('settings.new_term')}</label>{' '}
          <input
            id="new-code"
            type="text"
            size={24}
            value={newCode}
            onInput={(e) => setNewCode((e.target as HTMLInputElement).value)}
          />{' '}
          <button type="button" class="secondary" onClick={add}>
            {t('settings.add_term')}
          </button>
        </p>
      )}
    </section>
  );
}

interface UserRow {
  username: string;
  display_name: string;
  role: string;
  disabled: boolean;
  created_at: string;
}

function Users() {
  const [users, setUsers] = useState<UserRow[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState('');
  const [form, setForm] = useState({ username: '', display_name: '', role: 'documenter', password: '' });
  const load = () => get<{ items: UserRow[] }>('/users').then((a) => setUsers(a.items), setError);
  useEffect(() => {
    load();
  }, []);
  const change = async (u: UserRow, patch: Record<string, unknown>) => {
    setError(null);
    try {
      await api('PATCH', '/users/' + encodeURIComponent(u.username), patch);
      setMessage(t('settings.user_changed', { user: u.username }));
      load();
    } catch (e) {
      setError(e);
    }
  };
  const password = async (u: UserRow) => {
    const value = prompt(t('settings.new_password', { user: u.username }));
    if (!value) return;
    try {
      await api('PUT', '/users/' + encodeURIComponent(u.username) + '/password', { password: value });
      setMessage(t('settings.password_set', { user: u.username }));
    } catch (e) {
      setError(e);
    }
  };
  const create = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      await api('POST', '/users', form);
      setMessage(t('settings.user_created', { user: form.username }));
      setForm({ username: '', display_name: '', role: 'documenter', password: '' });
      load();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section>
      {message && (
        <p class="notice" role="status">
          {message}
        </p>
      )}
      <ErrorBox error={error} />
      {!users && !error && <Loading />}
      {users && (
        <div class="table-wrap">
          <table class="records">
            <thead>
              <tr>
                <th scope="col">{t('login.username')}</th>
                <th scope="col">{t('settings.display_name')}</th>
                <th scope="col">{t('settings.role')}</th>
                <th scope="col">{t('settings.state')}</th>
                <th scope="col">
                  <span class="sr-only">{t('settings.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.username}>
                  <td>{u.username}</td>
                  <td>{u.display_name}</td>
                  <td>
                    <select
                      aria-label={t('settings.role_of', { user: u.username })}
                      value={u.role}
                      onChange={(e) => change(u, { role: (e.target as HTMLSelectElement).value })}
                    >
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {tOr('role.' + r, r)}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>{u.disabled ? t('settings.disabled') : t('settings.active')}</td>
                  <td class="actions">
                    <button type="button" class="secondary small" onClick={() => change(u, { disabled: !u.disabled })}>
                      {u.disabled ? t('settings.enable') : t('settings.disable')}
                    </button>{' '}
                    <button type="button" class="secondary small" onClick={() => password(u)}>
                      {t('settings.set_password')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form class="record-form" onSubmit={create} noValidate>
        <h2>{t('settings.add_user')}</h2>
        {(['username', 'display_name', 'password'] as const).map((f) => (
          <div class="field field-short" key={f}>
            <label for={'user-' + f}>
              {f === 'username'
                ? t('login.username')
                : f === 'password'
                  ? t('login.password')
                  : t('settings.display_name')}
            </label>
            <input
              id={'user-' + f}
              type={f === 'password' ? 'password' : 'text'}
              autoComplete={f === 'password' ? 'new-password' : 'off'}
              value={form[f]}
              onInput={(e) => setForm({ ...form, [f]: (e.target as HTMLInputElement).value })}
            />
          </div>
        ))}
        <div class="field field-short">
          <label for="user-role">{t('settings.role')}</label>
          <select
            id="user-role"
            value={form.role}
            onChange={(e) => setForm({ ...form, role: (e.target as HTMLSelectElement).value })}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {tOr('role.' + r, r)}
              </option>
            ))}
          </select>
        </div>
        <div class="form-actions">
          <button type="submit" class="primary">
            {t('settings.add_user')}
          </button>
        </div>
      </form>
    </section>
  );
}

interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  remote: string;
}

function AuditLog() {
  const [filter, setFilter] = useState({ actor: '', action: '', target: '' });
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = (after = 0) =>
    get<{ items: AuditEntry[] }>('/audit', { ...filter, after, limit: 100 }).then(
      (a) => setEntries((e) => (after ? [...(e ?? []), ...a.items] : a.items)),
      setError,
    );
  useEffect(() => {
    load();
  }, []);
  return (
    <section>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setEntries(null);
          load();
        }}
      >
        {(['actor', 'action', 'target'] as const).map((f) => (
          <div class="filter" key={f}>
            <label for={'audit-' + f}>{tOr('settings.audit_' + f, f)}</label>
            <input
              id={'audit-' + f}
              type="text"
              value={filter[f]}
              onInput={(e) => setFilter({ ...filter, [f]: (e.target as HTMLInputElement).value })}
            />
          </div>
        ))}
        <div class="filter">
          <span aria-hidden="true">&nbsp;</span>
          <button type="submit" class="primary">
            {t('search.submit')}
          </button>
        </div>
      </form>
      <ErrorBox error={error} />
      {!entries && !error && <Loading />}
      {entries && entries.length === 0 && <Empty>{t('list.none')}</Empty>}
      {entries && entries.length > 0 && (
        <div class="table-wrap">
          <table class="records">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t('settings.audit_when')}</th>
                <th scope="col">{tOr('settings.audit_actor', 'actor')}</th>
                <th scope="col">{tOr('settings.audit_action', 'action')}</th>
                <th scope="col">{tOr('settings.audit_target', 'target')}</th>
                <th scope="col">{t('settings.audit_remote')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.seq}>
                  <td class="num">{e.seq}</td>
                  <td>{formatTimestamp(e.at)}</td>
                  <td>{e.actor}</td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td>
                    {e.target.includes('/') && !e.target.startsWith('user/') && !e.target.startsWith('vocabulary/') ? (
                      <a href={'/' + targetPath(e.target)}>{e.target}</a>
                    ) : (
                      e.target
                    )}
                  </td>
                  <td>{e.remote}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {entries && entries.length > 0 && entries.length % 100 === 0 && (
        <button type="button" class="secondary" onClick={() => load(entries[entries.length - 1].seq)}>
          {t('search.more')}
        </button>
      )}
    </section>
  );
}

// "legal_qualification/01M…" -> "legal-qualifications/01M…".
function targetPath(target: string): string {
  const [type, id] = target.split('/');
  const plural: Record<string, string> = { legal_qualification: 'legal-qualifications', person: 'persons' };
  return (plural[type] ?? type + 's') + '/' + id;
}

interface Token {
  id: string;
  name: string;
  created_ms: number;
  revoked: boolean;
}

function Tokens() {
  const [tokens, setTokens] = useState<Token[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [name, setName] = useState('');
  const [secret, setSecret] = useState('');
  const load = () => get<{ items: Token[] }>('/tokens').then((a) => setTokens(a.items), setError);
  useEffect(() => {
    load();
  }, []);
  const create = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      const answer = await api<{ token: string }>('POST', '/tokens', { name: name.trim() });
      setSecret(answer.token);
      setName('');
      load();
    } catch (err) {
      setError(err);
    }
  };
  const revoke = async (token: Token) => {
    try {
      await api('DELETE', '/tokens/' + encodeURIComponent(token.id));
      load();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section>
      <p class="hint">{t('settings.tokens_hint')}</p>
      <ErrorBox error={error} />
      {secret && (
        <div class="notice" role="status">
          {t('settings.token_once')} <code class="secret">{secret}</code>
        </div>
      )}
      {tokens && tokens.length === 0 && <Empty>{t('list.none')}</Empty>}
      {tokens && tokens.length > 0 && (
        <ul class="recent">
          {tokens.map((tk) => (
            <li key={tk.id}>
              {tk.name} <span class="muted small">{formatTimestamp(new Date(tk.created_ms).toISOString())}</span>{' '}
              {tk.revoked ? (
                <span class="muted">({t('settings.revoked')})</span>
              ) : (
                <button type="button" class="secondary small" onClick={() => revoke(tk)}>
                  {t('settings.revoke')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <form class="inline-form" onSubmit={create}>
        <label for="token-name">{t('settings.token_name')}</label>{' '}
        <input
          id="token-name"
          type="text"
          size={30}
          value={name}
          onInput={(e) => setName((e.target as HTMLInputElement).value)}
        />{' '}
        <button type="submit" class="secondary" disabled={!name.trim()}>
          {t('settings.create_token')}
        </button>
      </form>
    </section>
  );
}
