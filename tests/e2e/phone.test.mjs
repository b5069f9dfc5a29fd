// On a phone (390x844) and a 1366x768 laptop: nothing wider than the
// screen, the menu behind a button, lists as cards, forms usable.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addUser, screenshot, signIn, withKuzot } from './lib/harness.mjs';

async function assertFits(page, what) {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
  assert.ok(scroll <= width, `${what} is ${scroll}px wide on a ${width}px screen`);
}

test('a documenter on a phone', async () => {
  await withKuzot('phone', { demo: true, browser: { viewport: { width: 390, height: 844 }, isMobile: true } }, async ({ server, page }) => {
    const user = await addUser(server, 'documenter', 'phone');
    await signIn(page, server.url, user);
    await page.locator('.cards').waitFor();
    await assertFits(page, 'the overview');
    assert.equal(await page.getByRole('link', { name: 'Persons', exact: true }).isVisible(), false, 'the menu starts folded');
    await screenshot(page, 'phone-1-overview');

    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('link', { name: 'Acts', exact: true }).click();
    await page.locator('table.records').waitFor();
    await assertFits(page, 'the list of acts');
    await screenshot(page, 'phone-2-acts');

    await page.locator('table.records tbody a').first().click();
    await page.locator('ul.history').waitFor();
    await assertFits(page, 'a record page');
    await screenshot(page, 'phone-3-act');

    await page.goto(server.url + '/intake');
    await page.getByRole('heading', { level: 1, name: 'Record an interview' }).waitFor();
    await assertFits(page, 'the interview form');
    await screenshot(page, 'phone-4-intake');
  });
});

test('the overview and the interview form fit a 1366x768 laptop', async () => {
  await withKuzot('laptop', { demo: true }, async ({ server, page }) => {
    const user = await addUser(server, 'documenter', 'laptop');
    await signIn(page, server.url, user);
    await page.locator('.cards').waitFor();
    await assertFits(page, 'the overview');
    // The menu, the search box and the counts are all above the fold.
    const box = await page.locator('.cards').boundingBox();
    assert.ok(box.y + box.height < 768, 'the counts show without scrolling');
    await page.goto(server.url + '/intake');
    await page.getByRole('heading', { level: 1, name: 'Record an interview' }).waitFor();
    await assertFits(page, 'the interview form');
    await screenshot(page, 'laptop-1-intake');
  });
});
