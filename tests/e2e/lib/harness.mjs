// What every browser test needs: the real kuzot binary on a free port with
// a fresh data directory, users of each role, and Debian's chromium driven
// by playwright-core (never a downloaded browser), with a screenshot of
// each test under the build folder.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const webDir = process.env.KUZOT_WEB_DIR ?? join(here, '..', '..', '..', 'web');
const require = createRequire(join(webDir, 'package.json'));

export const ADMIN_PASSWORD = 'admin-password-for-e2e-tests';
const binary = process.env.KUZOT_BINARY ?? join(here, '..', '..', '..', 'build', 'kuzot');
const chromiumPath = process.env.KUZOT_CHROMIUM ?? '/usr/bin/chromium';
export const outDir = process.env.KUZOT_E2E_OUT ?? join(here, '..', '..', '..', 'build', 'tests', 'e2e', 'screenshots');

function playwright() {
  try {
    return require('playwright-core');
  } catch {
    throw new Error(`playwright-core is not installed in ${webDir}/node_modules: run scripts/build-web.sh (or make test)`);
  }
}

// Starts `kuzot serve` on a free port with a fresh data directory.
export async function startKuzot({ demo = false, args = [] } = {}) {
  const data = mkdtempSync(join(tmpdir(), 'kuzot-e2e-'));
  const argv = ['serve', '--port', '0', '--data', join(data, 'db'), ...(demo ? ['--demo'] : []),
    // Tests run offline: the map must work with no tiles reachable.
    '--tile-url', 'https://tiles.invalid/{z}/{x}/{y}.png', ...args];
  // The data is encrypted at rest: its key file is made on first start,
  // outside the data directory (as tests/api/kuzot_process.cc does).
  const env = { ...process.env, KUZOT_ADMIN_PASSWORD: ADMIN_PASSWORD, KUZOT_KEY_FILE: join(data, 'kuzot.key') };
  delete env.KUZOT_PASSPHRASE;
  const child = spawn(binary, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d) => (log += d));
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('kuzot did not start:\n' + out + log)), 30000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/[0-9.]+:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kuzot exited with ${code}:\n${out}${log}`));
    });
  });
  const server = {
    url,
    log: () => log,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(data, { recursive: true, force: true });
    },
  };
  server.admin = await apiSession(url, 'admin', ADMIN_PASSWORD);
  return server;
}

// A signed-in API client (cookie and CSRF token) for setting up a test.
export async function apiSession(url, username, password) {
  const res = await fetch(url + '/api/v1/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`login of ${username} failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.get('set-cookie').split(';')[0];
  const { csrf_token } = await res.json();
  const call = async (method, path, body) => {
    const r = await fetch(url + '/api/v1' + path, {
      method,
      headers: { Cookie: cookie, 'X-CSRF-Token': csrf_token, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
  return { call, get: (p) => call('GET', p), post: (p, b) => call('POST', p, b) };
}

// Creates a user of `role` and returns its name and password.
export async function addUser(server, role, username = role + '1') {
  const password = 'password-of-' + username;
  await server.admin.post('/users', { username, password, role, display_name: username });
  return { username, password };
}

// A fresh browser profile in Debian's chromium, headless, with everything
// that would reach the network on its own turned off.
export async function openBrowser({ viewport = { width: 1366, height: 768 }, isMobile = false } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'kuzot-e2e-chromium-'));
  const context = await playwright().chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport,
    isMobile,
    hasTouch: isMobile,
    deviceScaleFactor: 1,
    locale: 'en-US',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15000);
  // Content-Security-Policy violations and script errors fail the test.
  const problems = [];
  page.on('console', (msg) => {
    const text = msg.text();
    if (msg.type() === 'error' && !/tiles\.invalid|Failed to load resource/.test(text)) problems.push(text);
  });
  page.on('pageerror', (err) => problems.push(String(err)));
  return {
    context,
    page,
    problems,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page, name) {
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, name + '.png');
  await page.screenshot({ path, fullPage: true });
  return path;
}

// Signs in through the form.
export async function signIn(page, url, user) {
  await page.goto(url + '/');
  await page.getByLabel(/User name|Имя пользователя|Колдонуучунун аты/).fill(user.username);
  await page.getByLabel(/Password|Пароль|Сырсөз/).fill(user.password);
  await page.getByRole('button', { name: /Sign in|Войти|Кирүү/ }).click();
  // The application's header replaces the sign-in page (the menu itself
  // is folded away on a phone).
  await page.locator('header.top').waitFor();
}

// Runs `fn` with a server and a browser, always cleaning both up and
// taking a screenshot named `name` even when the test fails.
export async function withKuzot(name, options, fn) {
  const server = await startKuzot(options);
  const browser = await openBrowser(options.browser ?? {});
  try {
    await fn({ server, ...browser });
    if (browser.problems.length) throw new Error('errors in the page:\n' + browser.problems.join('\n'));
  } catch (err) {
    await screenshot(browser.page, name + '-failed').catch(() => {});
    throw new Error(err.message + '\n--- server log ---\n' + server.log().slice(-3000));
  } finally {
    await browser.close();
    await server.stop();
  }
}
