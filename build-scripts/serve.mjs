#!/usr/bin/env node
// A small static file server for dist/ with the right MIME types (application/wasm for .wasm, JavaScript
// for .mjs). Used by start.sh and the browser tests. --cors adds Access-Control-Allow-Origin: *, which a page on
// another origin needs to load the lab's module scripts and WebAssembly (embedding).
//   node build-scripts/serve.mjs [--root dist] [--host 127.0.0.1] [--port 8080] [--cors]
// With --port 0 the system picks a free port. Prints the URL on its first line: "QuantLab: http://...".
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ts': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
};

export function startServer({ root = 'dist', host = '127.0.0.1', port = 8080, cors = false } = {}) {
  const base = resolve(root);
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      let file = normalize(join(base, path));
      if (file !== base && !file.startsWith(base + sep)) throw Object.assign(new Error('outside root'), { code: 'ENOENT' });
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      const headers = { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' };
      if (cors) headers['Access-Control-Allow-Origin'] = '*';
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (e) {
      const notFound = e.code === 'ENOENT' || e.code === 'ENOTDIR' || e instanceof URIError;
      res.writeHead(notFound ? 404 : 500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(notFound ? 'Not found\n' : 'Server error\n');
    }
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: actual } = server.address();
      resolvePromise({ server, url: `http://${host}:${actual}/` });
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const opt = (name, fallback) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : fallback;
  };
  const options = { root: opt('root', 'dist'), host: opt('host', '127.0.0.1'), port: Number(opt('port', 8080)), cors: args.includes('--cors') };
  let started;
  for (let attempt = 0; attempt < 20 && !started; attempt++) {
    try {
      started = await startServer(options);
    } catch (e) {
      if (e.code !== 'EADDRINUSE' || options.port === 0) throw e;
      options.port += 1;
    }
  }
  if (!started) throw new Error('no free port found');
  console.log(`QuantLab: ${started.url}`);
}
