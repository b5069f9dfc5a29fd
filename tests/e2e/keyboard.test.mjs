// Everything works with the keyboard alone: signing in, the menu, a form
// with a record picker and a fuzzy date, saving; the focus always shows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addUser, screenshot, withKuzot } from './lib/harness.mjs';

// Presses Tab until the focused element matches `test` (at most `limit` times).
async function tabTo(page, test, limit = 60) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const hit = await page.evaluate(test);
    if (hit) return;
  }
  throw new Error('the keyboard never reached the element: ' + test);
}

async function focusRingVisible(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return false;
    const style = getComputedStyle(el);
    return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  });
}

test('a documenter works with the keyboard only', async () => {
  await withKuzot('keyboard', { demo: true }, async ({ server, page }) => {
    const user = await addUser(server, 'documenter', 'kanat');
    await page.goto(server.url + '/');
    await page.getByLabel('User name').waitFor();
    // The user name field has the focus on arrival.
    await page.keyboard.type(user.username);
    await page.keyboard.press('Tab');
    await page.keyboard.type(user.password);
    await page.keyboard.press('Enter');
    await page.getByRole('navigation', { name: 'Main menu' }).waitFor();

    // A new page puts the focus on its heading, so the next Tab is in the content.
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.tagName + ':' + document.activeElement.textContent), 'H1:Overview');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.closest('main') !== null), true);
    assert.ok(await focusRingVisible(page), 'the first control of the page shows the focus');
    // Shift+Tab from the heading goes back into the header and its menu.
    await page.evaluate(() => document.querySelector('main h1').focus());
    await page.keyboard.press('Shift+Tab');
    assert.equal(await page.evaluate(() => document.activeElement.closest('header') !== null), true);
    // The skip link (first in the document) shows when focused and leads to the content.
    await page.locator('.skip-link').focus();
    assert.ok((await page.locator('.skip-link').boundingBox()).y >= 0, 'the skip link shows');
    assert.ok(await focusRingVisible(page), 'the skip link shows the focus');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H1');
    await page.evaluate(() => document.querySelector('.brand').focus());
    await tabTo(page, () => document.activeElement.textContent === 'Events' && document.activeElement.tagName === 'A');
    assert.ok(await focusRingVisible(page), 'a menu link shows the focus');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Events' }).waitFor();
    await tabTo(page, () => document.activeElement.textContent?.includes('New event'));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'New Event' }).waitFor();

    await tabTo(page, () => document.activeElement.id === 'f-title');
    await page.keyboard.type('Raid on the market in Kara-Suu');
    await tabTo(page, () => document.activeElement.id === 'f-start_date');
    await page.keyboard.type('2022');
    await page.keyboard.press('Tab'); // the month
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate(() => document.activeElement.value), '3');
    await screenshot(page, 'keyboard-1-date');

    // A record picker: type, arrow to a suggestion, Enter.
    await tabTo(page, () => document.activeElement.id === 'f-place_ids');
    await page.keyboard.type('Osh');
    await page.getByRole('option', { name: /Osh/ }).first().waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.locator('.chip', { hasText: 'Osh' }).first().waitFor();
    assert.ok(await focusRingVisible(page), 'the picker keeps a visible focus');
    await screenshot(page, 'keyboard-2-picker');

    // Save with the keyboard: the form is submitted from its button.
    await tabTo(page, () => document.activeElement.textContent === 'Save');
    assert.ok(await focusRingVisible(page), 'the save button shows the focus');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: /Raid on the market in Kara-Suu/ }).waitFor();
    const fields = await page.locator('dl.fields').textContent();
    assert.match(fields, /March 2022/);
    assert.match(fields, /Osh/);
    await screenshot(page, 'keyboard-3-saved');
  });
});
