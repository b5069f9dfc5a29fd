// Uploads FILE to a running kuzot with tus-js-client: in 256 KiB pieces,
// aborted after the first piece and resumed from the upload URL, as a
// browser on a failing link would. Prints {"url", "evidence_id"}.
// Usage: node upload.mjs BASE_URL TOKEN FILE
import { readFileSync } from 'node:fs';
import * as tus from 'tus-js-client';

const [base, token, path] = process.argv.slice(2);
const data = readFileSync(path);
const common = {
  endpoint: `${base}/api/v1/uploads`,
  headers: { Authorization: `Bearer ${token}` },
  metadata: { filename: 'interview.bin', title: 'Interview (tus-js-client)', captured_on: '2021-05-05' },
  chunkSize: 256 * 1024,
  retryDelays: [0, 200, 500],
};

function run(options) {
  return new Promise((resolve, reject) => {
    const upload = new tus.Upload(data, {
      ...common,
      ...options,
      onError: reject,
      onSuccess: () => resolve(upload),
      onChunkComplete: (chunk, sent) => {
        if (options.stopAfterFirst && sent > 0) {
          upload.abort().then(() => resolve(upload));
        }
      },
    });
    upload.start();
  });
}

const first = await run({ stopAfterFirst: true });
if (!first.url) throw new Error('no upload URL after the first piece');
const second = await run({ uploadUrl: first.url });
const state = await fetch(second.url, {
  headers: { Authorization: `Bearer ${token}`, 'Tus-Resumable': '1.0.0' },
});
const body = await state.json();
console.log(JSON.stringify({ url: second.url, evidence_id: body.evidence_id, offset: body.offset }));
