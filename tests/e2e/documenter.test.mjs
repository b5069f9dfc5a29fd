// A documenter's day: signs in, records an event with three victims (one
// with a Cyrillic name) and two sources, finds a victim by typing the
// Latin spelling, edits a record and sees the change in its history.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addUser, screenshot, signIn, withKuzot } from './lib/harness.mjs';

// Fills a fuzzy date (year, month, day) inside the group labelled `legend`.
async function fillDate(scope, legend, year, month, day) {
  const group = scope.getByRole('group', { name: legend, exact: true });
  await group.getByLabel('Year').fill(year);
  if (month) await group.getByLabel('Month').selectOption(month);
  if (day) await group.getByLabel('Day').fill(day);
}

// Types into a record picker and chooses the suggestion matching `choice`.
async function pick(page, input, text, choice) {
  await input.fill(text);
  const option = page.getByRole('option', { name: choice }).first();
  await option.waitFor();
  await option.click();
}

test('a documenter records an interview with three victims and two sources, finds and edits a victim', async () => {
  await withKuzot('documenter', { demo: true }, async ({ server, page }) => {
    const user = await addUser(server, 'documenter', 'aida');
    await signIn(page, server.url, user);
    await screenshot(page, 'documenter-1-overview');

    // A source, through the generic form: first the mistakes, then saved.
    await page.goto(server.url + '/sources/new');
    await page.getByRole('button', { name: 'Save' }).click();
    const titleError = page.locator('#f-title-error');
    await assert.doesNotReject(titleError.waitFor());
    assert.match(await titleError.textContent(), /Fill this in/);
    await page.getByLabel('Title').fill('Radio Azattyk report on the shelling of Kök-Tash');
    await page.getByLabel('Kind', { exact: true }).selectOption({ label: 'Media report' });
    await fillDate(page, 'Date', '2021', '5', '3');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { level: 1, name: /Radio Azattyk report/ }).waitFor();
    assert.match(await page.locator('dl.fields').textContent(), /May 3, 2021|3 May 2021/);

    // The interview, its event, three persons and what happened to each.
    await page.getByRole('link', { name: 'Record an interview' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Record an interview' }).waitFor();
    const interview = page.getByRole('group', { name: 'The interview' });
    await fillDate(interview, 'Date', '2021', '5', '5');
    await interview.getByLabel('Language', { exact: true }).selectOption('ky');
    await page.getByLabel('A new event').check();
    const event = page.getByRole('group', { name: 'Event', exact: true });
    await event.getByLabel('Title', { exact: true }).fill('Shelling of Kök-Tash');
    await fillDate(event, 'Start date', '2021', '4', '30');
    await pick(page, event.getByLabel('Places'), 'Kök', /Kök-Tash/);
    await pick(page, page.getByLabel('Other sources that support it'), 'Azattyk', /Radio Azattyk/);

    const victims = [
      { name: 'Жолдошева Айнура', sex: 'Female', age: '34', act: 'Killing' },
      { name: 'Temirbek Usenov', sex: 'Male', age: '41', act: 'Injury' },
      { name: 'Gulnara Saparova', sex: 'Female', age: '29', act: 'Injury' },
    ];
    for (let i = 0; i < victims.length; i++) {
      if (i > 0) await page.getByRole('button', { name: '+ Add a person' }).click();
      const v = victims[i];
      const person = page.locator('fieldset.person-section').nth(i);
      await person.getByLabel('Name as written').first().fill(v.name);
      await person.getByLabel('Sex').selectOption({ label: v.sex });
      await person.getByLabel('Age at the time').fill(v.age);
      await person.getByLabel('Act type').selectOption({ label: v.act });
      await fillDate(person, 'Date', '2021', '4', '30');
    }
    // The script of each name follows from its letters.
    assert.equal(await page.locator('#f-people-0--names-0--script').inputValue(), 'Cyrl');
    assert.equal(await page.locator('#f-people-1--names-0--script').inputValue(), 'Latn');
    await screenshot(page, 'documenter-2-interview-form');
    await page.getByRole('button', { name: 'Save the interview' }).click();
    await page.getByRole('heading', { level: 1, name: 'The interview is recorded' }).waitFor();
    const saved = await page.locator('.saved-list li').allTextContents();
    assert.equal(saved.length, 8, 'three persons, the interview, the event and three acts: ' + saved.join(' | '));
    await screenshot(page, 'documenter-3-interview-saved');

    // The event names its three victims' acts and both sources.
    await page.locator('.saved-list a', { hasText: 'Shelling of Kök-Tash' }).click();
    await page.getByRole('heading', { level: 1, name: /Shelling of Kök-Tash/ }).waitFor();
    const sources = await page.locator('section[aria-labelledby="sources-title"]').textContent();
    assert.match(sources, /Interview/);
    assert.match(sources, /Radio Azattyk/);
    const linked = page.locator('section[aria-labelledby="links-title"]');
    await linked.getByText('Killing').waitFor();
    assert.equal(await linked.locator('li').count(), 3);
    await page.locator('section.figures').getByText(/3 acts with 3 victims/).waitFor();
    await screenshot(page, 'documenter-4-event');

    // The Cyrillic name is found by its Latin spelling.
    await page.getByLabel('Search all records').fill('Zholdosheva');
    await page.getByLabel('Search all records').press('Enter');
    const hit = page.locator('ol.results a', { hasText: 'Жолдошева Айнура' });
    await hit.waitFor();
    await screenshot(page, 'documenter-5-search');
    await hit.click();
    await page.getByRole('heading', { level: 1, name: /Жолдошева Айнура/ }).waitFor();

    // An edit: a Latin spelling and a corrected age, then the history.
    await page.getByRole('link', { name: 'Edit', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: /Edit Person/ }).waitFor();
    await page.getByRole('button', { name: '+ Add name' }).click();
    await page.locator('#f-names-1--value').fill('Ainura Zholdosheva');
    assert.equal(await page.locator('#f-names-1--script').inputValue(), 'Latn');
    await page.getByLabel('Age at the time').fill('35');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').waitFor();
    const history = page.locator('ul.history > li').first();
    await history.getByText(/Changed/).waitFor();
    const changes = await history.locator('table.diff').textContent();
    assert.match(changes, /Age at the time/);
    assert.match(changes, /34/);
    assert.match(changes, /35/);
    assert.match(changes, /Ainura Zholdosheva/);
    assert.match(await history.locator('summary').textContent(), /aida/);
    await screenshot(page, 'documenter-6-history');
  });
});

test('a refused save keeps what was typed and says why beside the field', async () => {
  await withKuzot('refused', { demo: true }, async ({ server, page, context }) => {
    const user = await addUser(server, 'documenter', 'aida');
    await signIn(page, server.url, user);
    await page.goto(server.url + '/claims/new');
    await pick(page, page.getByLabel('Event', { exact: true }), 'Batken', /Armed conflict/);
    await page.getByLabel('Indicator').selectOption({ label: 'Killed' });
    await page.getByLabel('From (range)').fill('800');
    await page.getByLabel('To (range)').fill('100');
    await pick(page, page.getByLabel('Source', { exact: true }), 'Tajik', /Tajik/);
    await page.getByLabel('Note').fill('typed before the refusal');
    await page.getByRole('button', { name: 'Save' }).click();
    // The server refuses the range; its message stands beside the field.
    const error = page.locator('#f-value_min-error');
    await error.waitFor();
    assert.ok((await error.textContent()).length > 3);
    assert.equal(await page.getByLabel('From (range)').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByLabel('Note').inputValue(), 'typed before the refusal');
    await screenshot(page, 'refused-1-server-error');
    // A reload (or a lost session) brings the draft back.
    await page.reload();
    await page.getByText('Your unsaved text from before was restored.').waitFor();
    assert.equal(await page.getByLabel('Note').inputValue(), 'typed before the refusal');
    assert.equal(await page.getByLabel('From (range)').inputValue(), '800');
    await page.getByLabel('To (range)').fill('1000');
    // The session ends meanwhile (expired, or signed out elsewhere): saving
    // asks for the password over the page, and the form is still there.
    await context.clearCookies();
    await page.getByRole('button', { name: 'Save' }).click();
    const dialog = page.getByRole('dialog', { name: 'Your session has ended' });
    await dialog.waitFor();
    await screenshot(page, 'refused-2-session-ended');
    await dialog.getByLabel('Password').fill(user.password);
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await page.getByLabel('Note').inputValue(), 'typed before the refusal');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').waitFor();
    await screenshot(page, 'refused-3-saved');
  });
});
