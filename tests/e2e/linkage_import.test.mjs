// Record linkage from the browser alone: a documenter (who may write
// persons: linkage:write) imports two lists through the page, mapping
// their columns, runs a reconciliation, answers a pair "Same person",
// merges it, sees how many references moved, and undoes the merge. An
// analyst (linkage:review only) then sees the review buttons but neither
// the import form nor merge and undo. Fictional persons; the event is the
// April 2021 Batken conflict of the seeds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addUser, apiSession, openBrowser, screenshot, signIn, withKuzot } from './lib/harness.mjs';

const monitors = 'ФИО,Год,Село\nОсмонова Гулзат,1995,Кок-Таш\nИсаков Эрлан,1969,Ак-Сай\nТурсунов Бахтияр,1978,Ак-Сай\n';
// A hospital's list: semicolons, and a heading the page cannot guess.
const hospital = 'Patient;Year;Village\nGulzat Osmonova;1995;Kok-Tash\nBakhtiyar Tursunov;1978;Ak-Sai\nTimur Sadykov;1988;Samarkandyk\n';

async function importList(page, filename, text, rows) {
  await page.getByLabel('List file (CSV or XLSX)').setInputFiles({
    name: filename,
    mimeType: 'text/csv',
    buffer: Buffer.from(text, 'utf8'),
  });
  await page.getByText(`${rows} rows read (UTF-8)`).waitFor();
}

const until = async (what, fn) => {
  for (let i = 0; i < 300; ++i) {
    const value = await fn();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('timed out waiting for ' + what);
};

test('a documenter imports two lists, merges a pair found the same, and undoes the merge', async () => {
  await withKuzot('linkage-import', {}, async ({ server, page }) => {
    const documenter = await addUser(server, 'documenter', 'nurzhan');
    await signIn(page, server.url, documenter);
    await page.getByRole('link', { name: 'Review pairs' }).click();
    await page.getByRole('heading', { level: 2, name: 'Import a list' }).waitFor();

    // The first list: every column guessed from its heading.
    await importList(page, 'monitors.csv', monitors, 3);
    assert.equal(await page.getByLabel('ФИО').inputValue(), 'full_name');
    assert.equal(await page.getByLabel('Год').inputValue(), 'birth_year');
    assert.equal(await page.getByLabel('Село').inputValue(), 'place');
    await page.getByRole('button', { name: 'Import 3 rows' }).click();
    await page.getByText('3 persons imported from the list “monitors”.').waitFor();

    // The second: the name column chosen by hand; nothing to import until then.
    await importList(page, 'hospital.csv', hospital, 3);
    assert.equal(await page.getByLabel('Patient').inputValue(), '');
    assert.ok(await page.getByRole('button', { name: 'Import 3 rows' }).isDisabled());
    await page.getByLabel('Patient').selectOption('full_name');
    await page.getByLabel('Name of the list').fill('Batken hospital');
    await screenshot(page, 'linkage-import-1-columns');
    await page.getByRole('button', { name: 'Import 3 rows' }).click();
    await page.getByText('3 persons imported from the list “Batken hospital”.').waitFor();
    const lists = page.getByRole('group', { name: 'Lists to reconcile' });
    await lists.getByText('monitors').waitFor();
    await lists.getByText('Batken hospital').waitFor();

    // Each hospital person is the victim of an act, so that a merge that
    // absorbs one of them has a reference to move.
    const admin = server.admin;
    const persons = (await admin.get('/persons?limit=50')).items;
    assert.equal(persons.length, 6);
    const event = await admin.post('/events', {
      title: 'Armed conflict on the Kyrgyz-Tajik border, Batken region',
      start_date: '2021-04-29',
    });
    const actOf = {};
    for (const p of persons.filter((p) => /^[A-Za-z ]+$/.test(p.names[0].value))) {
      const act = await admin.post('/acts', { type: 'injury', event_id: event.id, victim_person_id: p.id, date: '2021-04-30' });
      actOf[p.id] = act.id;
    }

    // Every compared pair in the queue: from 1% up.
    await page.getByLabel('lowest probability to review (%)').fill('1');
    await page.getByLabel('highest probability to review (%)').fill('100');
    await page.getByRole('button', { name: 'Run reconciliation' }).click();
    await page.getByText(/6 persons compared/).waitFor({ timeout: 60000 });

    // The best pair: one person as each list wrote them.
    await page.locator('article.review-pair').waitFor();
    const left = page.getByRole('region', { name: 'First person' }).getByRole('heading', { level: 2 });
    const right = page.getByRole('region', { name: 'Second person' }).getByRole('heading', { level: 2 });
    const names = [await left.textContent(), await right.textContent()];
    const cyrillic = names.find((n) => /[А-Яа-я]/.test(n));
    const latin = names.find((n) => /^[A-Za-z ]+$/.test(n));
    assert.ok(cyrillic && latin, 'the best pair spans the two lists: ' + names.join(' | '));
    const survivor = persons.find((p) => p.names[0].value === cyrillic);
    const absorbed = persons.find((p) => p.names[0].value === latin);

    // The two lists disagree on an occupation: the merge keeps the
    // survivor's and shows both.
    await admin.call('PATCH', '/persons/' + survivor.id, { occupation: 'teacher' });
    await admin.call('PATCH', '/persons/' + absorbed.id, { occupation: 'nurse' });

    // Same person, then merge into the monitors' spelling.
    await page.getByRole('button', { name: 'Same person' }).click();
    await page.getByRole('group', { name: 'Merge into one person: who stays?' }).waitFor();
    await page.getByRole('radio', { name: cyrillic }).check();
    await page.getByRole('button', { name: 'Merge', exact: true }).click();
    await page.getByText('References moved to the merged person: 1.').waitFor();
    await page.locator('.merge-changes').getByText('victim_person_id').waitFor();
    const disagreement = page.locator('.merge-conflicts tbody tr');
    await disagreement.waitFor();
    assert.deepEqual(
      (await disagreement.locator('td').allTextContents()).map((s) => s.trim()),
      ['occupation', 'teacher', 'nurse ' + absorbed.id],
    );
    await screenshot(page, 'linkage-import-2-merged');
    const act = await admin.get('/acts/' + actOf[absorbed.id]);
    assert.equal(act.victim_person_id, survivor.id);
    const gone = await admin.get('/persons/' + absorbed.id);
    assert.equal(gone.deleted, true);
    assert.equal(gone.merged_into, survivor.id);
    const merged = await admin.get('/persons/' + survivor.id);
    assert.ok(merged.names.some((n) => n.value === latin), JSON.stringify(merged.names));
    assert.equal(merged.sources.length, 2);

    // Undo: both persons back, the act's victim too.
    await page.getByRole('button', { name: 'Undo the merge' }).click();
    await page.getByText('Merge undone: both persons restored; references moved back: 1.').waitFor();
    assert.equal((await admin.get('/acts/' + actOf[absorbed.id])).victim_person_id, absorbed.id);
    assert.notEqual((await admin.get('/persons/' + absorbed.id)).deleted, true);
    assert.equal((await admin.get('/persons/' + survivor.id)).names.length, 1);
    const history = page.getByRole('region', { name: 'Recent merges' });
    await history.getByText(/undone/).waitFor();
    const merges = await admin.get('/linkage/merges');
    assert.equal(merges.items.length, 1);
    assert.equal(merges.items[0].merged_by, 'nurzhan');
    assert.equal(merges.items[0].undone_by, 'nurzhan');
    await page.getByRole('button', { name: 'Next pair' }).click();
    await until('the next pair', async () => (await left.textContent()) !== names[0] || (await right.textContent()) !== names[1]);
    await screenshot(page, 'linkage-import-3-undone');

    // An analyst decides pairs, but imports and merges nothing.
    const analyst = await addUser(server, 'analyst', 'aidai');
    const other = await openBrowser();
    try {
      await signIn(other.page, server.url, analyst);
      await other.page.getByRole('link', { name: 'Review pairs' }).click();
      await other.page.locator('article.review-pair').waitFor();
      assert.equal(await other.page.getByRole('heading', { name: 'Import a list' }).count(), 0);
      assert.equal(await other.page.getByLabel('List file (CSV or XLSX)').count(), 0);
      await other.page.getByRole('region', { name: 'Recent merges' }).waitFor();
      assert.equal(await other.page.getByRole('button', { name: 'Undo the merge' }).count(), 0);
      await other.page.getByRole('button', { name: 'Same person' }).click();
      const api = await apiSession(server.url, analyst.username, analyst.password);
      await until('the analyst\'s decision', async () =>
        (await api.get('/linkage/decisions')).items.some((d) => d.decided_by === 'aidai'),
      );
      assert.equal(await other.page.getByRole('button', { name: 'Merge', exact: true }).count(), 0);
      // The server refuses the analyst a merge whatever the page shows.
      await assert.rejects(
        api.post('/linkage/merges', { survivor_id: survivor.id, absorbed_ids: [absorbed.id] }),
        /403/,
      );
      if (other.problems.length) throw new Error('errors in the page:\n' + other.problems.join('\n'));
    } finally {
      await other.close();
    }
  });
});
