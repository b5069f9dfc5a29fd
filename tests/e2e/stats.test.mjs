// Statistics in the browser: the statistics page counts acts by act type ×
// victim sex (only what the user may see), draws them as bars, and its CSV
// link downloads the same table; a past "as of" date gives the figures as
// the records stood then. On an event's page each source's claim stands
// beside the documented count, now and as of a date, with a CSV download.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addUser, screenshot, signIn, withKuzot } from './lib/harness.mjs';

async function text(stream) {
  const parts = [];
  for await (const part of stream) parts.push(part);
  return Buffer.concat(parts).toString('utf8');
}

test('statistics: act type × sex, CSV download, as of a date; claims beside the documented count', async () => {
  await withKuzot('stats', {}, async ({ server, page }) => {
    const admin = server.admin;
    const event = await admin.post('/events', {
      title: 'Clashes at Kok-Tash',
      start_date: '2021-04',
      confidentiality: 'public',
    });
    const person = (name, sex, confidentiality = 'public') =>
      admin.post('/persons', {
        names: [{ value: name }],
        sex,
        confidentiality,
      });
    const a = await person('Aigerim Fictional', 'female');
    const b = await person('Bakyt Fictional', 'male');
    const c = await person('Cholpon Fictional', 'female');
    const d = await person('Dilnoza Fictional', 'female', 'restricted');
    const act = (type, victim, confidentiality = 'public') =>
      admin.post('/acts', {
        type,
        event_id: event.id,
        victim_person_id: victim.id,
        date: '2021-04-29',
        confidentiality,
      });
    await act('killing', a);
    await act('killing', b);
    await act('injury', c);
    // Not counted for an analyst (internal clearance): a restricted act.
    await act('killing', d, 'restricted');
    const source = await admin.post('/sources', {
      title: 'Expert forum statement',
      kind: 'official_statement',
      date: '2021-05-04',
      confidentiality: 'public',
    });
    await admin.post('/claims', {
      event_id: event.id,
      indicator: 'killed',
      value: 46,
      as_of: '2021-05-04',
      source_id: source.id,
      confidentiality: 'public',
    });

    const analyst = await addUser(server, 'analyst', 'asel');
    await signIn(page, server.url, analyst);
    await page.getByRole('link', { name: 'Statistics' }).click();
    await page.getByRole('heading', { level: 1, name: 'Statistics' }).waitFor();
    await page.getByLabel('Rows', { exact: true }).selectOption('act_type');
    await page.getByLabel('Columns', { exact: true }).selectOption('sex');
    await page.getByRole('button', { name: 'Show' }).click();
    await page
      .getByRole('heading', {
        level: 2,
        name: 'Acts: Act type × Sex of the victim',
      })
      .waitFor();
    assert.match(page.url(), /rows=act_type&columns=sex/);

    const table = page.locator('table.stats-table');
    const header = (await table.locator('thead th').allTextContents()).map((s) => s.trim());
    const femaleCol = header.indexOf('Female');
    const maleCol = header.indexOf('Male');
    assert.ok(femaleCol > 0 && maleCol > 0, 'columns Female and Male: ' + header.join('|'));
    const cells = async (label) =>
      (
        await table
          .locator('tbody tr', {
            has: page.getByRole('rowheader', { name: label, exact: true }),
          })
          .locator('th, td')
          .allTextContents()
      ).map((s) => s.trim());
    const killing = await cells('Killing');
    assert.equal(killing[femaleCol], '1');
    assert.equal(killing[maleCol], '1');
    assert.equal(killing.at(-1), '2', 'the restricted killing is not counted for an analyst');
    const injury = await cells('Injury');
    assert.equal(injury[femaleCol], '1');
    assert.equal(injury.at(-1), '1');
    assert.equal((await table.locator('tfoot td.total').textContent()).trim(), '3');
    // The chart draws one bar group per row.
    assert.equal((await page.locator('figure.bar-chart svg g rect').count()) >= 3, true);
    await screenshot(page, 'stats-1-table');

    // The CSV link downloads the same table.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download CSV' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'counts.csv');
    const csv = (await text(await download.createReadStream())).replace(/^\uFEFF/, '');
    const lines = csv.trim().split(/\r?\n/);
    assert.match(lines[0], /Female/);
    assert.match(lines[0], /Male/);
    assert.ok(
      lines.some((l) => /^"?Killing"?,/.test(l) && /,2\s*$/.test(l)),
      csv,
    );
    assert.ok(
      lines.some((l) => /^"?Injury"?,/.test(l)),
      csv,
    );
    assert.ok(
      await page
        .getByRole('link', { name: 'Download XLSX' })
        .getAttribute('href')
        .then((h) => /format=xlsx/.test(h)),
    );

    // As of a date before anything was recorded: nothing to count.
    await page.getByLabel('As of (date)').fill('2020-01-01');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByText('As the records stood on 2020-01-01').waitFor();
    assert.equal((await page.locator('table.stats-table tfoot td.total').textContent()).trim(), '0');
    await screenshot(page, 'stats-2-as-of');

    // The event page: the expert forum's 46 beside the 2 killings documented.
    await page.goto(server.url + '/events/' + event.id);
    const figures = page.locator('section.figures');
    const chart = figures.locator('table.chart', { hasText: 'Killed' });
    await chart.waitFor();
    assert.match(await chart.locator('tr', { hasText: 'Expert forum statement' }).textContent(), /46/);
    assert.match(await chart.locator('tr.documented').textContent(), /Documented in Kuzot\s*2/);
    assert.match(
      await figures.getByRole('link', { name: 'Download CSV' }).getAttribute('href'),
      /\/api\/v1\/stats\/claims\?event_id=.*format=csv/,
    );
    // As of a date before the claim was recorded: no claim yet.
    await figures.getByLabel('As of').fill('2020-01-01');
    await figures.getByText('No source has reported figures for this event yet.').waitFor();
    await screenshot(page, 'stats-3-event-claims');

    // An estimate of the undocumented from three fictional lists naming 16
    // victims: the analyst picks the lists and the method, and sees the
    // documented count, the estimate with its interval and the warnings.
    const lists = [];
    for (const title of ['Register A', 'Register B', 'Register C'])
      lists.push(await admin.post('/sources', { title, kind: 'media_report', confidentiality: 'public' }));
    const patterns = ['100', '100', '100', '100', '010', '010', '010', '001', '001', '001', '110', '110', '110', '101', '011', '111'];
    for (const [i, p] of patterns.entries()) {
      const sources = [...p].flatMap((on, j) => (on === '1' ? [{ source_id: lists[j].id }] : []));
      const victim = await admin.post('/persons', { names: [{ value: 'Listed Person ' + i }], sources, confidentiality: 'public' });
      await admin.post('/acts', { type: 'killing', event_id: event.id, victim_person_id: victim.id, confidentiality: 'public' });
    }
    await page.goto(server.url + '/stats');
    await page.getByRole('button', { name: 'Prepare an estimate' }).click();
    for (const title of ['Register A', 'Register B', 'Register C']) await page.getByLabel(title).check();
    // Only the three registers: the expert forum's statement names no victim.
    assert.equal(await page.locator('.estimates input[type=checkbox]').count(), 3);
    await page.getByLabel('Method').selectOption('loglinear');
    await page.getByRole('button', { name: 'Estimate', exact: true }).click();
    const result = page.locator('.estimate-results tbody tr');
    await result.first().waitFor();
    const row = (await result.first().locator('th, td').allTextContents()).map((x) => x.trim());
    assert.equal(row[1], '16', 'documented: ' + row.join('|'));
    assert.ok(Number(row[2]) >= 16, 'estimate: ' + row.join('|'));
    assert.match(row[3], /^\d+–\d+ \(95%\)$/);
    assert.match(row[5], /fewer than 10/);
    await screenshot(page, 'stats-4-estimate');
  });
});
