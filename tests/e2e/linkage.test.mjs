// Record linkage in the browser: two lists imported over the API, an
// analyst opens "Review pairs", starts a reconciliation, sees a doubtful
// pair side by side with what each list said and why, answers "Same
// person", and the decision is kept.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addUser, apiSession, screenshot, signIn, withKuzot } from './lib/harness.mjs';

const b64 = (text) => Buffer.from(text, 'utf8').toString('base64');

test('an analyst reviews a doubtful pair and decides it', async () => {
  await withKuzot('linkage', {}, async ({ server, page }) => {
    const admin = server.admin;
    // Fictional people; the same woman with her birth year one apart.
    await admin.post('/linkage/lists', {
      filename: 'monitors.csv',
      content_base64: b64('ФИО,Год,Село\nОсмонова Гулзат,1995,Максат\nИсаков Эрлан,1969,Ак-Сай\nТурсунов Бахтияр,1978,Ак-Сай\n'),
      columns: { ФИО: 'full_name', Год: 'birth_year', Село: 'place' },
    });
    await admin.post('/linkage/lists', {
      filename: 'hospital.csv',
      content_base64: b64('Name,Year,Village\nGulzat Osmonova,1996,Maksat\nBakhtiyar Tursunov,1978,Ak-Sai\nTimur Sadykov,1988,Samarkandyk\n'),
      columns: { Name: 'full_name', Year: 'birth_year', Village: 'place' },
    });

    // A job that puts every compared pair in the queue, best first.
    const job = await admin.post('/linkage/jobs', { review_min: 0.001, review_max: 1 });
    for (let i = 0; i < 600; ++i) {
      const polled = await admin.get('/linkage/jobs/' + job.id);
      if (polled.state === 'done') break;
      assert.notEqual(polled.state, 'failed', JSON.stringify(polled));
      await new Promise((r) => setTimeout(r, 100));
    }

    const analyst = await addUser(server, 'analyst', 'asel');
    await signIn(page, server.url, analyst);
    await page.getByRole('link', { name: 'Review pairs' }).click();
    await page.getByRole('heading', { level: 1, name: 'Who is who: pairs to review' }).waitFor();
    await page.getByText(/6 persons compared/).waitFor();

    await page.locator('article.review-pair').waitFor();
    const first = page.getByRole('region', { name: 'First person' });
    const second = page.getByRole('region', { name: 'Second person' });
    const both = (await first.textContent()) + ' ' + (await second.textContent());
    // The best pair: one person as both lists wrote them, and the rows.
    assert.match(both, /monitors, row \d/);
    assert.match(both, /hospital, row \d/);
    assert.match(both, /[А-Яа-я]/);
    assert.match(both, /Osmonova|Tursunov|Isakov|Sadykov/);
    const why = page.getByRole('table', { name: /Why/ });
    assert.match(await why.textContent(), /name/);
    await screenshot(page, 'linkage-1-pair');

    await page.getByRole('button', { name: 'Same person' }).click();
    const api = await apiSession(server.url, analyst.username, analyst.password);
    let decisions;
    for (let i = 0; i < 50; ++i) {
      decisions = await api.get('/linkage/decisions');
      if (decisions.items.length) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(decisions.items.length, 1);
    assert.equal(decisions.items[0].decision, 'same');
    assert.equal(decisions.items[0].decided_by, 'asel');

    // A new run from the page, with its progress and then its summary.
    await page.getByRole('button', { name: 'Run reconciliation again' }).click();
    let jobs;
    for (let i = 0; i < 600; ++i) {
      jobs = await api.get('/linkage/jobs');
      if (jobs.items.length === 2 && jobs.items[0].state === 'done') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(jobs.items.length, 2);
    assert.equal(jobs.items[0].state, 'done');
    await page.getByText(/6 persons compared/).waitFor({ timeout: 60000 });
    assert.equal(jobs.items[0].result.labels, 1);
  });
});
