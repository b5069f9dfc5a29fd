// The first page's weight: index.html and every script, style sheet and
// preloaded module it names, gzip-compressed as the server sends them.
// Fails the build when it is over the budget (200 KB), and prints the
// figure with the lazily loaded parts (map, interview form, languages).
import { gzipSync } from 'node:zlib';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const BUDGET = 200 * 1024;
const dist = new URL('../dist/', import.meta.url).pathname;
const html = readFileSync(join(dist, 'index.html'));
const gz = (buf) => gzipSync(buf, { level: 9 }).length;

const names = new Set();
for (const m of html.toString().matchAll(/(?:src|href)="\/([^"]+\.(?:js|css))"/g)) names.add(m[1]);
let first = gz(html);
const rows = [['index.html', html.length, first]];
for (const name of names) {
  const buf = readFileSync(join(dist, name));
  const size = gz(buf);
  first += size;
  rows.push([name, buf.length, size]);
}
const lazy = readdirSync(join(dist, 'assets'))
  .filter((f) => /\.(js|css)$/.test(f) && !names.has('assets/' + f))
  .map((f) => {
    const buf = readFileSync(join(dist, 'assets', f));
    return ['assets/' + f, buf.length, gz(buf)];
  });

const kb = (n) => (n / 1024).toFixed(1) + ' KB';
console.log('first page (loaded at sign-in):');
for (const [name, raw, packed] of rows)
  console.log(`  ${name.padEnd(40)} ${kb(raw).padStart(10)} raw ${kb(packed).padStart(10)} gzip`);
console.log(`  total ${kb(first)} gzip, budget ${kb(BUDGET)}`);
console.log('loaded on demand:');
for (const [name, raw, packed] of lazy)
  console.log(`  ${name.padEnd(40)} ${kb(raw).padStart(10)} raw ${kb(packed).padStart(10)} gzip`);
if (first > BUDGET) {
  console.error(`budget: the first page is ${kb(first)} gzip, over the budget of ${kb(BUDGET)}`);
  process.exit(1);
}
