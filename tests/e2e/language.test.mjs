// Switching to Russian and Kyrgyz changes the interface: menus, field
// labels, vocabulary terms (from the API) and dates as people write them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { screenshot, signIn, withKuzot, ADMIN_PASSWORD } from './lib/harness.mjs';

test('the interface speaks English, Russian and Kyrgyz', async () => {
  await withKuzot('language', { demo: true }, async ({ server, page }) => {
    // The sign-in page already has the switch.
    await page.goto(server.url + '/');
    await page.getByLabel('Language').selectOption('ru');
    await page.getByRole('button', { name: 'Войти' }).waitFor();
    await page.getByLabel('Язык').selectOption('en');
    await signIn(page, server.url, { username: 'admin', password: ADMIN_PASSWORD });

    await page.goto(server.url + '/acts?sort=-date');
    await page.locator('table.records').waitFor();
    const en = await page.locator('body').textContent();
    assert.match(en, /Acts/);
    assert.match(en, /Killing/);
    assert.match(en, /May 1, 2021|1 May 2021/);

    await page.getByLabel('Language').selectOption('ru');
    await page.getByRole('link', { name: 'События' }).waitFor();
    const ru = await page.locator('body').textContent();
    assert.match(ru, /Нарушения/);
    assert.match(ru, /Убийство/); // vocabulary label from the API
    assert.match(ru, /1 мая 2021/); // a day date
    assert.match(ru, /Дата/);
    assert.equal(await page.locator('html').getAttribute('lang'), 'ru');
    await screenshot(page, 'language-1-russian');

    await page.getByLabel('Язык').selectOption('ky');
    await page.getByRole('link', { name: 'Окуялар' }).waitFor();
    const ky = await page.locator('body').textContent();
    assert.match(ky, /Укук бузуулар/);
    assert.match(ky, /Өлтүрүү/);
    assert.match(ky, /2021/);
    assert.doesNotMatch(ky, /Killing|Убийство/);
    assert.equal(await page.locator('html').getAttribute('lang'), 'ky');
    await screenshot(page, 'language-2-kyrgyz');

    // A month date ("June 2010") in each language, on the events list.
    await page.goto(server.url + '/events?sort=start_date');
    await page.locator('table.records').waitFor();
    const kyMonth = await page.locator('table.records').textContent();
    assert.match(kyMonth, /2010/);
    assert.match(kyMonth, /июнь|июн/i);
    await page.getByLabel('Тил').selectOption('en');
    await page.locator('td time', { hasText: /^June 2010$/ }).waitFor();
    // The choice is remembered after a reload.
    await page.getByLabel('Language').selectOption('ru');
    await page.reload();
    await page.locator('td time', { hasText: /^июнь 2010/ }).waitFor();
    await screenshot(page, 'language-3-russian-after-reload');
  });
});
