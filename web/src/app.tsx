// The application shell: sign-in, the menu, the search box, the language,
// and the page for the current address.
import { useEffect, useState } from 'preact/hooks';
import { setUnauthorizedHandler } from './lib/api';
import { t, tOr, useLang } from './lib/i18n';
import { match, navigate, useLocation } from './lib/router';
import { bootStore, can, logout, meStore, reauthStore, resume } from './lib/session';
import { useStore } from './lib/store';
import { termLabel } from './lib/schema';
import { NAV, ROUTES } from './routes';
import { LangSelect } from './components/LangSelect';
import { Loading } from './components/ui';
import { LoginPage, ReauthDialog } from './pages/Login';
import { NotFound } from './pages/NotFound';

function Header() {
  const me = useStore(meStore)!;
  const loc = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const [q, setQ] = useState('');
  useEffect(() => setMenuOpen(false), [loc.path]);
  const current = (href: string) =>
    href === '/' ? loc.path === '/' : loc.path === href || loc.path.startsWith(href + '/');
  return (
    <header class="top">
      <div class="top-row">
        <a href="/" class="brand">
          <span class="brand-mark" aria-hidden="true" />
          Kuzot
        </a>
        <form
          role="search"
          class="top-search"
          onSubmit={(e) => {
            e.preventDefault();
            if (q.trim()) navigate('/search?q=' + encodeURIComponent(q.trim()));
          }}
        >
          <label for="top-search" class="sr-only">
            {t('search.label')}
          </label>
          <input
            id="top-search"
            type="search"
            placeholder={t('search.placeholder')}
            value={q}
            onInput={(e) => setQ((e.target as HTMLInputElement).value)}
          />
          <button type="submit" class="secondary">
            {t('search.submit')}
          </button>
        </form>
        <button
          type="button"
          class="menu-button secondary"
          aria-expanded={menuOpen}
          aria-controls="main-nav"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          {t('nav.menu')}
        </button>
        <div class={'user-box' + (menuOpen ? ' open' : '')}>
          <LangSelect id="lang" />
          <span class="user-name">
            {me.user.display_name || me.user.username}{' '}
            <span class="role">({tOr('role.' + me.user.role, me.user.role)})</span>
          </span>
          <a href="/settings" class="settings-link" aria-current={current('/settings') ? 'page' : undefined}>
            {t('nav.settings')}
          </a>
          <button
            type="button"
            class="secondary small"
            onClick={async () => {
              await logout();
              navigate('/', true);
            }}
          >
            {t('nav.logout')}
          </button>
        </div>
      </div>
      <div id="main-nav" class={'nav-row' + (menuOpen ? ' open' : '')}>
        <nav aria-label={t('nav.main')}>
          <ul>
            {NAV.map(([href, key]) => (
              <li key={href}>
                <a href={href} aria-current={current(href) ? 'page' : undefined}>
                  {tOr(key, key)}
                </a>
              </li>
            ))}
            {can('records:write') && (
              <li>
                <a href="/intake" class="nav-accent" aria-current={current('/intake') ? 'page' : undefined}>
                  {t('nav.intake')}
                </a>
              </li>
            )}
          </ul>
        </nav>
      </div>
    </header>
  );
}

function Page() {
  const loc = useLocation();
  const found = match(ROUTES, loc.path);
  if (!found) return <NotFound />;
  const Component = found.route.component;
  return (
    <Component
      key={found.route.path + '|' + (found.params.plural ?? '') + '|' + (found.params.id ?? '')}
      params={found.params}
      query={loc.query}
    />
  );
}

export function App() {
  useLang(); // every label follows the language
  const me = useStore(meStore);
  const boot = useStore(bootStore);
  const reauth = useStore(reauthStore);
  const [state, setState] = useState<'loading' | 'ready'>('loading');
  useEffect(() => {
    setUnauthorizedHandler(() => {
      if (meStore.get()) reauthStore.set(true);
    });
    resume().finally(() => setState('ready'));
  }, []);
  useEffect(() => {
    document.title = 'Kuzot';
  }, [me]);
  if (state === 'loading') return <Loading />;
  if (!me || !boot) return <LoginPage />;
  return (
    <>
      <a
        href="#main"
        class="skip-link"
        onClick={(e) => {
          e.preventDefault();
          document.querySelector<HTMLElement>('main h1')?.focus();
        }}
      >
        {t('nav.skip')}
      </a>
      <Header />
      <main id="main">
        <Page />
      </main>
      <footer class="foot muted small">
        Kuzot · {termLabel('confidentiality', me.clearance)} — {t('foot.clearance')}
      </footer>
      {reauth && <ReauthDialog />}
    </>
  );
}
