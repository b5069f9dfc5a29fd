// A lawyer's day: records two consultations in a row with the quick form,
// turns one into a case, sets an appeal deadline on the case, and sees it
// coming on the case page and in the deadlines view. The people are
// fictional.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addUser, screenshot, signIn, withKuzot } from './lib/harness.mjs';

// YYYY-MM-DD `days` from today, in the browser's (and this process's) zone.
function dayFromToday(days) {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return [d.getFullYear(), d.getMonth() + 1, d.getDate()];
}

test('a lawyer records consultations, turns one into a case and sees its deadline coming', async () => {
  await withKuzot('casework', { demo: true }, async ({ server, page }) => {
    const user = await addUser(server, 'lawyer', 'bakyt');
    await signIn(page, server.url, user);

    // The quick intake: the category is the one thing required.
    await page.getByRole('link', { name: 'Consultations' }).first().click();
    await page.getByRole('link', { name: 'Record a consultation' }).click();
    await page.getByRole('heading', { level: 1, name: 'Record a consultation' }).waitFor();
    await page.getByLabel('Who came (name)').fill('Fictional Client Asel');
    await page.getByRole('button', { name: 'Save and record the next' }).click();
    await page.locator('#f-problem_category-error').waitFor();
    await page.getByLabel('Problem category').selectOption('torture_ill_treatment');
    await page.getByLabel('Sex', { exact: true }).selectOption({ label: 'Female' });
    await page.getByLabel('Problem', { exact: true }).fill('Her son was beaten at the district police station.');
    await page.getByLabel('Advice given').fill('Write down the injuries at a clinic today; complaint to the prosecutor.');
    await screenshot(page, 'casework-1-quick-consultation');
    await page.getByRole('button', { name: 'Save and record the next' }).click();
    await page.getByRole('heading', { name: 'Recorded today (1)' }).waitFor();
    // The form is empty again with the cursor on the name: the next person.
    assert.equal(await page.getByLabel('Who came (name)').inputValue(), '');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-client_name');
    await page.getByLabel('Who came (name)').fill('Fictional Client Bolot');
    await page.getByLabel('Problem category').selectOption('police_misconduct');
    await page.getByRole('button', { name: 'Save and record the next' }).click();
    await page.getByRole('heading', { name: 'Recorded today (2)' }).waitFor();

    // The first becomes a case.
    await page.getByRole('link', { name: /Fictional Client Asel/ }).click();
    await page.getByRole('heading', { level: 1, name: /Fictional Client Asel/ }).waitFor();
    await page.getByRole('button', { name: 'Turn into a case' }).click();
    await page.waitForURL(/\/cases\/[0-9A-Z]+\?saved=1$/);
    const caseUrl = page.url().replace(/\?saved=1$/, '');
    await page.getByRole('heading', { level: 2, name: /Deadlines/ }).waitFor();
    assert.match(await page.locator('dl.fields').textContent(), /Fictional Client Asel/);

    // An appeal deadline ten days from now, through the case's form.
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByRole('button', { name: '+ Add deadline' }).click();
    const item = page.locator('fieldset.list-editor', { hasText: 'Deadlines' }).locator('.list-item').first();
    await item.getByLabel('Kind').selectOption({ label: 'Appeal period' });
    const [year, month, day] = dayFromToday(10);
    const due = item.getByRole('group', { name: 'Due', exact: true });
    await due.getByLabel('Year').fill(String(year));
    await due.getByLabel('Month').selectOption(String(month));
    await due.getByLabel('Day').fill(String(day));
    await item.getByLabel('Description', { exact: true }).fill('Appeal against the refusal to open a criminal case');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\?saved=1$/);
    const notice = page.getByText(/Next deadline: Appeal period/);
    await notice.waitFor();
    assert.match(await notice.textContent(), /in 10 days/);
    await screenshot(page, 'casework-2-case');

    // The deadlines view lists it among everything due in 30 days.
    await page.getByRole('link', { name: 'Deadlines' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Upcoming deadlines and hearings' }).waitFor();
    const row = page.locator('table.deadlines tr', { hasText: 'Appeal against the refusal' });
    await row.waitFor();
    assert.match(await row.textContent(), /in 10 days/);
    assert.equal(await row.locator('a').first().getAttribute('href'), new URL(caseUrl).pathname);
    await screenshot(page, 'casework-3-deadlines');

    // The consultation now points at its case, and cannot be converted twice.
    await page.goBack();
    await page.goto(server.url + '/consultations');
    await page.getByRole('link', { name: /Fictional Client Asel/ }).click();
    await page.getByText('This consultation became the case').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Turn into a case' }).count(), 0);
  });
});

test('a coordinator reads the recommendations dashboard and a statement with its signatories', async () => {
  await withKuzot('casework-coordinator', { demo: true }, async ({ server, page }) => {
    const user = await addUser(server, 'coordinator', 'zarina');
    await signIn(page, server.url, user);
    await page.goto(server.url + '/recommendations/dashboard');
    await page.getByRole('heading', { level: 1, name: 'Recommendations: implementation' }).waitFor();
    const byAddressee = page.locator('table', { hasText: 'By addressee' });
    await byAddressee.waitFor();
    assert.match(await byAddressee.textContent(), /Prosecutor/);
    assert.doesNotMatch(await page.locator('body').textContent(), /NaN|undefined/);
    // Filtering by a body narrows the counts.
    const total = Number((await page.locator('.cards .card-number').first().textContent()).replace(/\D/g, ''));
    await page.getByLabel('By issuing body').selectOption('organization');
    await page.waitForFunction(
      (before) => Number(document.querySelector('.cards .card-number')?.textContent?.replace(/\D/g, '')) < before,
      total,
    );
    await screenshot(page, 'casework-4-recommendations');

    // The October 2020 statement: 35 signatories, exportable.
    await page.goto(server.url + '/statements');
    await page.getByRole('link', { name: /civil society appeals for dialogue/ }).first().click();
    await page.getByText(/Signed by 35 organisations/).waitFor();
    const csv = page.getByRole('link', { name: 'Signatories (CSV)' });
    assert.match(await csv.getAttribute('href'), /\/signatories\?format=csv$/);
    await screenshot(page, 'casework-5-statement');
  });
});
