// The map of events and acts works with no tiles reachable (the tests run
// offline), and a place can be picked from the gazetteer tree or the map.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addUser, screenshot, signIn, withKuzot } from './lib/harness.mjs';

test('the map shows events and acts without tiles; places are picked from the gazetteer', async () => {
  await withKuzot('map', { demo: true }, async ({ server, page }) => {
    const user = await addUser(server, 'documenter', 'mira');
    await signIn(page, server.url, user);
    await page.getByRole('link', { name: 'Map', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Map of events and acts' }).waitFor();
    // Markers arrive with the records, page by page: count them once the
    // number has stopped changing (a loaded machine draws slowly).
    const paths = page.locator('.leaflet-overlay-pane path.leaflet-interactive');
    let markers = -1;
    for (let i = 0, last = -2; i < 100 && !(markers >= 5 && markers === last); ++i) {
      last = markers;
      await page.waitForTimeout(200);
      markers = await paths.count();
    }
    assert.ok(markers >= 5, `${markers} places drawn`);
    await page.locator('table.records', { hasText: 'Kök-Tash' }).waitFor();
    // A marker opens a popup with links to its records.
    await page.locator('.leaflet-overlay-pane path.leaflet-interactive').first().dispatchEvent('click');
    await page.locator('.leaflet-popup-content a').first().waitFor();
    await screenshot(page, 'map-1-offline');
    // Only acts: fewer or as many places.
    await page.getByLabel('Events', { exact: true }).uncheck();
    await page.waitForTimeout(200);
    assert.ok((await page.locator('.leaflet-overlay-pane path.leaflet-interactive').count()) <= markers);

    // The gazetteer tree in a form.
    await page.goto(server.url + '/acts/new');
    await page.getByRole('heading', { level: 1, name: 'New Act' }).waitFor();
    await page.getByRole('button', { name: 'Browse places…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Choose a place' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Show places in: Batken oblast' }).click();
    await dialog.getByRole('button', { name: 'Show places in: Batken district' }).click();
    await screenshot(page, 'map-2-gazetteer');
    await dialog.getByRole('button', { name: 'Kök-Tash', exact: true }).click();
    await page.locator('.chip', { hasText: 'Kök-Tash' }).waitFor();

    // And on the map in the same dialog.
    await page.getByRole('button', { name: 'Remove Kök-Tash' }).click();
    await page.getByRole('button', { name: 'Browse places…' }).click();
    await dialog.getByRole('button', { name: 'Map' }).click();
    await dialog.locator('path.leaflet-interactive').first().waitFor();
    await dialog.locator('path.leaflet-interactive').first().dispatchEvent('click');
    await dialog.getByRole('button', { name: 'Choose this place' }).click();
    await page.locator('.place-field .chip').waitFor();
    await screenshot(page, 'map-3-picked-on-map');
  });
});
