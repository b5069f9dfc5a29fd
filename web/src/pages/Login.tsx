// Signing in. Also shown as a dialog when a session runs out in the middle
// of work: the page underneath, with whatever was typed, stays as it was.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../lib/api';
import { t } from '../lib/i18n';
import { login, meStore } from '../lib/session';
import { errorText } from '../components/ui';
import { LangSelect } from '../components/LangSelect';

export function LoginForm({ onDone, reauth }: { onDone?: () => void; reauth?: boolean }) {
  const [username, setUsername] = useState(reauth ? (meStore.get()?.user.username ?? '') : '');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const userRef = useRef<HTMLInputElement>(null);
  const passRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    (reauth && username ? passRef : userRef).current?.focus();
  }, []);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!username || !password) {
      setError(t('login.fill'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await login(username.trim(), password);
      setPassword('');
      onDone?.();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setError(t('login.wrong'));
      else if (err instanceof ApiError && err.status === 429) setError(t('login.throttled') + ' ' + err.message);
      else setError(errorText(err));
      passRef.current?.focus();
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="login-form" onSubmit={submit} noValidate>
      {error && (
        <p class="error-box" role="alert" id="login-error">
          {error}
        </p>
      )}
      <div class="field">
        <label for="login-username">{t('login.username')}</label>
        <input
          id="login-username"
          ref={userRef}
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellcheck={false}
          value={username}
          aria-describedby={error ? 'login-error' : undefined}
          onInput={(e) => setUsername((e.target as HTMLInputElement).value)}
        />
      </div>
      <div class="field">
        <label for="login-password">{t('login.password')}</label>
        <input
          id="login-password"
          ref={passRef}
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          aria-describedby={error ? 'login-error' : undefined}
          onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
        />
      </div>
      <button type="submit" class="primary" disabled={busy}>
        {busy ? t('login.signing_in') : t('login.submit')}
      </button>
    </form>
  );
}

export function LoginPage() {
  return (
    <main id="main" class="login-page">
      <div class="login-box">
        <div class="login-head">
          <span class="brand-mark" aria-hidden="true" />
          <h1>Kuzot</h1>
        </div>
        <p class="muted">{t('login.tagline')}</p>
        <LoginForm />
        <LangSelect id="login-lang" />
      </div>
    </main>
  );
}

export function ReauthDialog() {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    ref.current?.showModal();
    // showModal() focuses the first field; the user name is known already.
    ref.current?.querySelector<HTMLInputElement>('#login-password')?.focus();
  }, []);
  return (
    <dialog ref={ref} class="dialog" aria-labelledby="reauth-title" onCancel={(e) => e.preventDefault()}>
      <h2 id="reauth-title">{t('login.expired_title')}</h2>
      <p>{t('login.expired_text')}</p>
      <LoginForm reauth />
    </dialog>
  );
}
