// Evidence in the browser: a documenter attaches a photo to an event page
// through the resumable (tus) upload widget, sees the progress finish, and
// the event's evidence panel shows the file's SHA-256, the type detected
// from its content, a preview and the chain of custody. A connection cut
// in the middle of sending is resumed by the widget. A viewer sees the
// public file but no upload control, no download and no preview, and does
// not see an internal file at all.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { crc32, deflateSync } from 'node:zlib';
import { ADMIN_PASSWORD, addUser, screenshot, signIn, withKuzot } from './lib/harness.mjs';

// A small real PNG (a 48×32 gradient), made here so that no binary file
// is committed; its name says nothing of its type on purpose.
function png(width, height) {
  const chunk = (type, data) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'ascii');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, 'ascii'), data])) >>> 0, 0);
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rows = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) {
      row[1 + x * 3] = (x * 5) & 255;
      row[2 + x * 3] = (y * 7) & 255;
      row[3 + x * 3] = 128;
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

test('a documenter attaches a photo to an event; a viewer cannot upload', async () => {
  await withKuzot('evidence', {}, async ({ server, page }) => {
    const admin = server.admin;
    const event = await admin.post('/events', {
      title: 'Shelling of Maksat',
      start_date: '2022-09',
      confidentiality: 'public',
    });
    // An internal file on the same event, uploaded in one request: the viewer must never see it.
    const internal = await fetch(
      server.url +
        '/api/v1/evidence/files?' +
        new URLSearchParams({
          title: 'Internal photo of the school',
          filename: 'x.bin',
          record: JSON.stringify({
            event_ids: [event.id],
            confidentiality: 'internal',
          }),
        }),
      { method: 'POST', headers: await adminHeaders(server), body: png(8, 8) },
    );
    assert.equal(internal.status, 201, await internal.text());

    const image = png(48, 32);
    const sha256 = createHash('sha256').update(image).digest('hex');
    const documenter = await addUser(server, 'documenter', 'dana');
    await signIn(page, server.url, documenter);
    await page.goto(server.url + '/events/' + event.id);
    await page.getByRole('heading', { level: 1, name: /Shelling of Maksat/ }).waitFor();
    const panel = page.locator('section.evidence');
    await panel.getByText('Internal photo of the school').waitFor();

    // The first PATCH is cut off as a failing link would: the widget
    // asks the server where it stopped (HEAD) and goes on by itself.
    let cut = 0;
    const seen = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/v1/uploads')) seen.push(r.method());
    });
    await page.route('**/api/v1/uploads/*', async (route) => {
      if (route.request().method() === 'PATCH' && cut === 0) {
        cut++;
        await route.abort('connectionreset');
      } else {
        await route.continue();
      }
    });

    await panel.getByRole('button', { name: /Attach a file/ }).click();
    const form = page.locator('form.evidence-upload');
    await form.getByLabel('File').setInputFiles({
      name: 'field-photo.dat',
      mimeType: 'application/octet-stream',
      buffer: image,
    });
    await form.getByLabel('Title').fill('Crater beside the school');
    await form.getByLabel('Year').fill('2022');
    await form.getByLabel('Month').selectOption('9');
    await form.getByLabel('Day').fill('14');
    await form.getByLabel('Confidentiality').selectOption('public');
    await form.getByRole('button', { name: 'Upload' }).click();

    await form.getByRole('status').getByText('Uploaded and checked.').waitFor();
    assert.equal(await form.locator('progress').getAttribute('value'), '100');
    assert.equal(cut, 1, 'the first PATCH was cut off');
    assert.deepEqual(seen.filter((m) => m !== 'OPTIONS').slice(0, 4), ['POST', 'PATCH', 'HEAD', 'PATCH']);
    await screenshot(page, 'evidence-1-uploaded');

    // The panel lists the file with its hash and detected type.
    const item = panel.locator('li.evidence-item', {
      hasText: 'Crater beside the school',
    });
    await item.waitFor();
    assert.equal((await item.locator('code.sha256').textContent()).trim(), sha256);
    assert.equal((await item.locator('.media-type').textContent()).trim(), 'image/png');
    assert.match(await item.textContent(), /September 14, 2022|14 September 2022/);
    // The preview is the server's PNG thumbnail, and it loaded.
    const thumb = item.locator('.evidence-thumb img');
    await thumb.waitFor();
    await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await thumb.elementHandle());
    assert.ok(await item.getByRole('link', { name: 'Download the file' }).count());
    // The chain of custody names the upload by this documenter with the same hash.
    await item.locator('summary', { hasText: 'Chain of custody' }).click();
    const custody = item.locator('table.custody-table');
    await custody.waitFor();
    const upload = custody.locator('tr', { hasText: 'uploaded' });
    assert.match(await upload.textContent(), /dana/);
    assert.equal(await upload.locator('code').getAttribute('title'), sha256);
    await item.getByText('The chain is intact').waitFor();
    // The download gives the same bytes.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      item.getByRole('link', { name: 'Download the file' }).click(),
    ]);
    const bytes = await streamBytes(await download.createReadStream());
    assert.equal(createHash('sha256').update(bytes).digest('hex'), sha256);
    await screenshot(page, 'evidence-2-panel');

    // The file's own page: the same details, and the event it documents.
    await item.getByRole('link', { name: 'Crater beside the school' }).click();
    await page.getByRole('heading', { level: 1, name: /Crater beside the school/ }).waitFor();
    assert.equal((await page.locator('section.evidence code.sha256').textContent()).trim(), sha256);
    await page.locator('dl.fields').getByRole('link', { name: 'Shelling of Maksat' }).waitFor();

    // A viewer: the public file without its preview or download, no
    // upload control, and nothing of the internal file.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    const viewer = await addUser(server, 'viewer', 'vera');
    await signIn(page, server.url, viewer);
    await page.goto(server.url + '/events/' + event.id);
    const seenByViewer = page.locator('section.evidence li.evidence-item', {
      hasText: 'Crater beside the school',
    });
    await seenByViewer.waitFor();
    assert.equal((await seenByViewer.locator('code.sha256').textContent()).trim(), sha256);
    assert.equal(await page.getByRole('button', { name: /Attach a file/ }).count(), 0);
    assert.equal(await page.locator('form.evidence-upload, input[type=file]').count(), 0);
    assert.equal(await seenByViewer.getByRole('link', { name: 'Download the file' }).count(), 0);
    assert.equal(await seenByViewer.locator('img').count(), 0);
    assert.doesNotMatch(await page.locator('main').textContent(), /Internal photo of the school/);
    await screenshot(page, 'evidence-3-viewer');
  });
});

async function adminHeaders(server) {
  // The harness's admin client sends JSON; the single-request upload sends
  // the file as the body, so it signs in on its own.
  const res = await fetch(server.url + '/api/v1/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  const cookie = res.headers.get('set-cookie').split(';')[0];
  const { csrf_token } = await res.json();
  return {
    Cookie: cookie,
    'X-CSRF-Token': csrf_token,
    'Content-Type': 'application/octet-stream',
  };
}

async function streamBytes(stream) {
  const parts = [];
  for await (const part of stream) parts.push(part);
  return Buffer.concat(parts);
}

test('an upload paused mid-way resumes after a reload of the page from where it stopped', async () => {
  await withKuzot('evidence-resume', {}, async ({ server, page }) => {
    const event = await server.admin.post('/events', { title: 'Flooding in Kara-Suu', start_date: '2023' });
    // 20 MiB: three pieces of 8 MiB. A file on disk keeps its date, which
    // (with its name and size) tells the widget it is the same file.
    const dir = mkdtempSync(join(tmpdir(), 'kuzot-e2e-file-'));
    const path = join(dir, 'interview-recording.bin');
    const bytes = randomBytes(20 * 1024 * 1024);
    writeFileSync(path, bytes);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    try {
      const documenter = await addUser(server, 'documenter', 'dana');
      await signIn(page, server.url, documenter);
      await page.goto(server.url + '/events/' + event.id);
      const requests = [];
      page.on('request', (r) => {
        if (r.url().includes('/api/v1/uploads')) requests.push(r.method());
      });
      // After the first piece is stored the link goes down: every later
      // request fails, and the documenter pauses.
      let down = false;
      page.on('response', (r) => {
        if (r.url().includes('/api/v1/uploads/') && r.request().method() === 'PATCH' && r.status() === 204) down = true;
      });
      await page.route('**/api/v1/uploads/*', (route) =>
        down ? route.abort('internetdisconnected') : route.continue(),
      );
      await page.getByRole('button', { name: /Attach a file/ }).click();
      const form = page.locator('form.evidence-upload');
      await form.getByLabel('File').setInputFiles(path);
      await form.getByRole('button', { name: 'Upload' }).click();
      await page.waitForFunction(() =>
        document.querySelector('.upload-status')?.textContent?.startsWith('8 MB of 20 MB'),
      );
      await form.getByRole('button', { name: 'Pause' }).click();
      await form.getByText(/paused/).waitFor();
      await screenshot(page, 'evidence-4-paused');

      // The tab is reloaded (a crash, a closed laptop); the link is back.
      await page.unroute('**/api/v1/uploads/*');
      down = false;
      requests.length = 0;
      await page.reload();
      await page.getByRole('button', { name: /Attach a file/ }).click();
      await form.getByLabel('File').setInputFiles(path);
      await form.getByRole('button', { name: 'Upload' }).click();
      await form.getByRole('status').getByText('Uploaded and checked.').waitFor({ timeout: 60000 });
      // No new upload was created: the widget asked the offset and went on.
      assert.equal(requests.includes('POST'), false, requests.join(' '));
      assert.equal(requests[0], 'HEAD', requests.join(' '));
      assert.equal(requests.filter((m) => m === 'PATCH').length, 2, requests.join(' '));
      const item = page.locator('li.evidence-item', { hasText: 'interview-recording' });
      await item.waitFor();
      assert.equal((await item.locator('code.sha256').textContent()).trim(), sha256);
      await screenshot(page, 'evidence-5-resumed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
