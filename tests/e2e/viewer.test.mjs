// What a user may not see is not shown or hinted at: a viewer does not
// find a restricted record in lists, totals, search, links or by its
// address; a documenter sees it, marked.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addUser, screenshot, signIn, withKuzot } from './lib/harness.mjs';

test('a viewer cannot see a restricted record; a documenter sees it marked', async () => {
  await withKuzot('viewer', {}, async ({ server, page, context }) => {
    const admin = server.admin;
    const event = await admin.post('/events', { title: 'Detentions in Osh', start_date: '2022-01', confidentiality: 'public' });
    const open = await admin.post('/persons', { names: [{ value: 'Open Witness' }], confidentiality: 'public' });
    const hidden = await admin.post('/persons', {
      names: [{ value: 'Сыдыкова Нургүл' }, { value: 'Nurgul Sydykova' }],
      confidentiality: 'restricted',
      contact: '+996 555 123 456',
    });
    await admin.post('/acts', { type: 'torture', event_id: event.id, victim_person_id: hidden.id, confidentiality: 'restricted' });
    await admin.post('/acts', { type: 'arbitrary_detention', event_id: event.id, victim_person_id: open.id, confidentiality: 'public' });

    const viewer = await addUser(server, 'viewer', 'vera');
    await signIn(page, server.url, viewer);
    // The viewer's overview counts only what a viewer may open.
    const persons = page.locator('.cards a[href="/persons"] .card-number');
    await persons.waitFor();
    assert.equal((await persons.textContent()).trim(), '1');
    // No action that would change records is offered.
    assert.equal(await page.getByRole('link', { name: 'Record an interview' }).count(), 0);

    await page.goto(server.url + '/persons');
    await page.locator('table.records').waitFor();
    const list = await page.locator('main').textContent();
    assert.match(list, /Open Witness/);
    assert.doesNotMatch(list, /Сыдыкова|Sydykova/);
    assert.match(list, /1 record(?!s)/);
    assert.equal(await page.getByRole('link', { name: /New person/ }).count(), 0);

    await page.goto(server.url + '/search?q=Sydykova');
    await page.getByText('Nothing found for “Sydykova”.').waitFor();

    // By its address: the same page as for a record that never existed.
    await page.goto(server.url + '/persons/' + hidden.id);
    await page.getByRole('heading', { level: 1, name: 'Not found' }).waitFor();
    assert.doesNotMatch(await page.locator('main').textContent(), /Сыдыкова|restricted|Restricted/);

    // The event's page lists only the act the viewer may see.
    await page.goto(server.url + '/events/' + event.id);
    await page.getByRole('heading', { level: 1, name: /Detentions in Osh/ }).waitFor();
    const links = page.locator('section[aria-labelledby="links-title"] li');
    await links.first().waitFor();
    assert.equal(await links.count(), 1);
    await page.locator('section.figures').getByText(/1 act with 1 victim/).waitFor();
    assert.doesNotMatch(await page.locator('main').textContent(), /Torture|Сыдыкова/);
    await screenshot(page, 'viewer-1-event');

    // A documenter sees the record, marked restricted, with its contact.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    const documenter = await addUser(server, 'documenter', 'dana');
    await signIn(page, server.url, documenter);
    await page.goto(server.url + '/persons');
    const row = page.locator('tr', { hasText: 'Сыдыкова Нургүл' });
    await row.getByText('Restricted').waitFor();
    await page.goto(server.url + '/persons/' + hidden.id);
    await page.locator('.conf-banner.conf-restricted').waitFor();
    assert.match(await page.locator('dl.fields').textContent(), /\+996 555 123 456/);
    await screenshot(page, 'viewer-2-documenter-sees-restricted');
  });
});
