// Builds web/ into web/dist, which the C++ build embeds in the kuzot binary.
// Hashed file names under /assets/ are cached for a year by the server;
// every text file is also written gzip-compressed (name.gz), which the
// server sends to browsers that accept it: small payloads for slow links.
import { defineConfig, type Plugin } from 'vite';
import { gzipSync } from 'node:zlib';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'kuzot-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    closeBundle() {
      const walk = (dir: string) => {
        for (const name of readdirSync(dir)) {
          const path = join(dir, name);
          if (statSync(path).isDirectory()) {
            walk(path);
          } else if (/\.(js|css|html|svg|json|txt)$/.test(name)) {
            const raw = readFileSync(path);
            const packed = gzipSync(raw, { level: 9 });
            if (raw.length > 512 && packed.length < raw.length * 0.9) writeFileSync(path + '.gz', packed);
          }
        }
      };
      walk(outDir);
    },
  };
}

export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // Keep every asset a file: the CSP allows no inline data scripts, and
    // files cache by their hash.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  plugins: [precompress()],
  server: {
    proxy: { '/api': process.env.KUZOT_URL ?? 'http://127.0.0.1:8080' },
  },
});
