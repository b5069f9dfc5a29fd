// Settings: an administrator changes a vocabulary label (the interface
// shows it in that language at once), adds a user, reads the audit log;
// a documenter makes an API token and may not open users or the log.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ADMIN_PASSWORD, addUser, apiSession, screenshot, signIn, withKuzot } from './lib/harness.mjs';

test('vocabularies, users, audit log and API tokens', async () => {
  await withKuzot('settings', { demo: true }, async ({ server, page }) => {
    await signIn(page, server.url, { username: 'admin', password: ADMIN_PASSWORD });
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    await page.getByLabel('Vocabulary').selectOption('act_type');
    const kyLabel = page.getByLabel('killing: ky');
    assert.equal(await kyLabel.inputValue(), 'Өлтүрүү');
    await kyLabel.fill('Адам өлтүрүү');
    // Wait for the server's answer: leaving the page earlier would race the save.
    const saved = page.waitForResponse(
      (r) => r.url().includes('/api/v1/vocabularies/act_type/killing') && r.request().method() === 'PUT',
    );
    await page.locator('tr', { has: kyLabel }).getByRole('button', { name: 'Save' }).click();
    assert.equal((await saved).status(), 200);
    await screenshot(page, 'settings-1-vocabulary');
    await page.getByLabel('Language').selectOption('ky');
    await page.goto(server.url + '/acts?type=killing');
    await page.locator('table.records').getByText('Адам өлтүрүү').first().waitFor();
    await page.getByLabel('Тил').selectOption('en');

    // A user, made in the form, can sign in.
    await page.goto(server.url + '/settings/users');
    await page.getByLabel('User name', { exact: true }).fill('lawyer-asel');
    await page.getByLabel('Display name').fill('Asel (lawyer)');
    await page.getByLabel('Password', { exact: true }).fill('a long enough passphrase');
    await page.getByLabel('Role', { exact: true }).selectOption('lawyer');
    await page.getByRole('button', { name: 'Add a user' }).click();
    await page.getByText('lawyer-asel created.').waitFor();
    await apiSession(server.url, 'lawyer-asel', 'a long enough passphrase');
    await screenshot(page, 'settings-2-users');

    // The audit log names the vocabulary change and the new user.
    await page.goto(server.url + '/settings/audit');
    const log = page.locator('table.records');
    await log.getByText('vocabulary.put').first().waitFor();
    assert.match(await log.textContent(), /user\/lawyer-asel|lawyer-asel/);
    await screenshot(page, 'settings-3-audit');

    // A documenter: tokens yes, users and the audit log no.
    await page.getByRole('button', { name: 'Sign out' }).click();
    const documenter = await addUser(server, 'documenter', 'doc');
    await signIn(page, server.url, documenter);
    await page.goto(server.url + '/settings');
    assert.equal(await page.getByRole('link', { name: 'Users' }).count(), 0);
    assert.equal(await page.getByRole('link', { name: 'Audit log' }).count(), 0);
    await page.getByRole('link', { name: 'API tokens' }).click();
    await page.getByLabel('What the token is for').fill('nightly export');
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = await page.locator('code.secret').textContent();
    assert.match(secret, /^kzt_/);
    const answer = await fetch(server.url + '/api/v1/events', { headers: { Authorization: 'Bearer ' + secret } });
    assert.equal(answer.status, 200);
    // The vocabulary page is read-only for a documenter.
    await page.goto(server.url + '/settings/vocabularies');
    await page.getByText('Only coordinators and administrators change vocabularies.').waitFor();
    assert.equal(await page.locator('table.vocab input').count(), 0);
    await screenshot(page, 'settings-4-documenter');
  });
});
