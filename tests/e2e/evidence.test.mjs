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
    await fillUpload(
      form,
      { name: 'field-photo.dat', mimeType: 'application/octet-stream', buffer: image },
      'Crater beside the school',
    );

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
    const evidenceId = new URL(page.url()).pathname.split('/').pop();
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
    // Nor who handled the file, nor from where.
    assert.equal(await seenByViewer.locator('details.custody').count(), 0);
    const custodyAsViewer = await page.evaluate(
      (id) => fetch(`/api/v1/evidence/${id}/custody`).then((r) => r.status),
      evidenceId,
    );
    assert.equal(custodyAsViewer, 403);
    assert.doesNotMatch(await page.locator('main').textContent(), /Internal photo of the school/);
    await screenshot(page, 'evidence-3-viewer');
  });
});

// EXIF (a little-endian TIFF) with DateTimeOriginal and a GPS position,
// put into `jpeg` as an APP1 segment right after its start marker: what a
// phone camera writes. Layout: IFD0 (pointers to the Exif and GPS IFDs),
// the Exif IFD (DateTimeOriginal), the date, the GPS IFD, two rationals x3.
function withExif(jpeg, { date, lat, lon }) {
  const tiff = Buffer.alloc(190);
  let at = 0;
  const u16 = (v) => { tiff.writeUInt16LE(v, at); at += 2; };
  const u32 = (v) => { tiff.writeUInt32LE(v, at); at += 4; };
  const entry = (tag, type, count, value) => { u16(tag); u16(type); u32(count); u32(value); };
  const ascii2 = (c) => c.charCodeAt(0); // "N\0" inline, little-endian
  u16(0x4949); u16(42); u32(8);
  u16(2); entry(0x8769, 4, 1, 38); entry(0x8825, 4, 1, 76); u32(0); // IFD0, ends at 38
  u16(1); entry(0x9003, 2, 20, 56); u32(0); // Exif IFD, ends at 56
  tiff.write(date + '\0', 56, 'ascii'); // "YYYY:MM:DD HH:MM:SS", 20 bytes
  at = 76;
  u16(5);
  entry(0x0000, 1, 4, 0x00000302); // GPSVersionID 2.3.0.0
  entry(0x0001, 2, 2, ascii2(lat >= 0 ? 'N' : 'S'));
  entry(0x0002, 5, 3, 142);
  entry(0x0003, 2, 2, ascii2(lon >= 0 ? 'E' : 'W'));
  entry(0x0004, 5, 3, 166);
  u32(0); // ends at 142
  for (const v of [Math.abs(lat), Math.abs(lon)]) {
    const deg = Math.floor(v);
    const min = Math.floor((v - deg) * 60);
    const sec = Math.round(((v - deg) * 60 - min) * 60 * 100);
    for (const [n, d] of [[deg, 1], [min, 1], [sec, 100]]) { u32(n); u32(d); }
  }
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'binary'), tiff]);
  const head = Buffer.from([0xff, 0xe1, 0, 0]);
  head.writeUInt16BE(body.length + 2, 2);
  assert.equal(jpeg.readUInt16BE(0), 0xffd8, 'a JPEG starts with SOI');
  return Buffer.concat([jpeg.subarray(0, 2), head, body, jpeg.subarray(2)]);
}

test('a photo whose EXIF date and GPS contradict what was entered is flagged in the panel', async () => {
  await withKuzot('evidence-flags', {}, async ({ server, page }) => {
    const admin = server.admin;
    const bishkek = await admin.post('/places', {
      name: 'Bishkek',
      level: 'city',
      latitude: 42.8746,
      longitude: 74.5698,
    });
    assert.ok(bishkek.id, 'the place was made');
    const event = await admin.post('/events', {
      title: 'Shelling of Kara-Bulak',
      start_date: '2022-09',
      confidentiality: 'public',
    });
    // A real JPEG drawn by the browser itself (a gradient, nobody's
    // photo), then given the EXIF a phone in Osh in May 2019 would write.
    await page.goto(server.url + '/');
    const dataUrl = await page.evaluate(() => {
      const c = document.createElement('canvas');
      c.width = 64;
      c.height = 48;
      const g = c.getContext('2d');
      const gradient = g.createLinearGradient(0, 0, 64, 48);
      gradient.addColorStop(0, '#446');
      gradient.addColorStop(1, '#dc8');
      g.fillStyle = gradient;
      g.fillRect(0, 0, 64, 48);
      return c.toDataURL('image/jpeg', 0.9);
    });
    const jpeg = withExif(Buffer.from(dataUrl.split(',')[1], 'base64'), {
      date: '2019:05:01 10:00:00',
      lat: 40.5283,
      lon: 72.7985,
    });

    const documenter = await addUser(server, 'documenter', 'bakyt');
    await signIn(page, server.url, documenter);
    await page.goto(server.url + '/events/' + event.id);
    const panel = page.locator('section.evidence');
    await panel.getByRole('button', { name: /Attach a file/ }).click();
    const form = page.locator('form.evidence-upload');
    await fillUpload(form, { name: 'photo.jpg', mimeType: 'image/jpeg', buffer: jpeg }, 'Burnt market stalls');
    await form.getByRole('status').getByText('Uploaded and checked.').waitFor();

    // The entered date (14 September 2022) against the camera's (1 May 2019).
    const item = panel.locator('li.evidence-item', { hasText: 'Burnt market stalls' });
    await item.waitFor();
    assert.equal((await item.locator('.media-type').textContent()).trim(), 'image/jpeg');
    const flags = item.locator('.evidence-flags');
    await flags.waitFor();
    assert.match(await flags.textContent(), /The file contradicts what was entered/);
    const dateFlag = flags.locator('li', { hasText: 'Date of recording' });
    assert.match(await dateFlag.textContent(), /entered 2022-09-14/);
    assert.match(await dateFlag.textContent(), /the file says 2019-05-01/);
    assert.equal(await flags.locator('li').count(), 1, 'no place entered yet: only the date');

    // The documenter then says where it was taken: Bishkek, 300 km from
    // the GPS position (Osh). The panel shows the second contradiction.
    await item.getByRole('link', { name: 'Burnt market stalls' }).click();
    await page.getByRole('heading', { level: 1, name: /Burnt market stalls/ }).waitFor();
    await page.getByRole('link', { name: 'Edit', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: /Edit/ }).waitFor();
    await page.getByLabel('Place', { exact: true }).fill('Bishkek');
    const option = page.getByRole('option', { name: /Bishkek/ }).first();
    await option.waitFor();
    await option.click();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { level: 1, name: /Burnt market stalls/ }).waitFor();
    await page.goto(server.url + '/events/' + event.id);
    const again = page.locator('section.evidence li.evidence-item', { hasText: 'Burnt market stalls' });
    const both = again.locator('.evidence-flags li');
    await both.nth(1).waitFor();
    const placeFlag = again.locator('.evidence-flags li', { hasText: 'Place' });
    assert.match(await placeFlag.textContent(), /the file says 40\.528\d*,72\.798/);
    assert.match(await placeFlag.textContent(), /place Bishkek \(city\)/);
    assert.match(await placeFlag.textContent(), /km from/);
    await screenshot(page, 'evidence-4-contradictions');
  });
});

// Fills the upload widget: the file, a title, the date 14 September 2022,
// public; then presses Upload.
async function fillUpload(form, file, title) {
  await form.getByLabel('File').setInputFiles(file);
  await form.getByLabel('Title').fill(title);
  await form.getByLabel('Year').fill('2022');
  await form.getByLabel('Month').selectOption('9');
  await form.getByLabel('Day').fill('14');
  await form.getByLabel('Confidentiality').selectOption('public');
  await form.getByRole('button', { name: 'Upload' }).click();
}

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
