// The baseline for bench/attachments.js: bare node:http + busboy streaming the file part to disk
// (flushed before answering, like the service), with no auth, no hashing, no type detection and
// no database. POST /upload with multipart field `file`.
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';

const dir = process.env.BASELINE_UPLOAD_DIR;
mkdirSync(dir, { recursive: true });

createServer((req, res) => {
  if (req.url === '/health') return res.writeHead(200).end();
  if (req.method !== 'POST' || req.url !== '/upload') return res.writeHead(404).end();
  const parser = busboy({ headers: req.headers });
  let stored = null;
  parser.on('file', (_name, stream) => {
    stored = pipeline(stream, createWriteStream(join(dir, randomBytes(16).toString('hex')), { flush: true }));
  });
  parser.on('close', async () => {
    await stored;
    res.writeHead(201, { 'Content-Type': 'application/json' }).end('{}');
  });
  req.pipe(parser);
}).listen(Number(process.env.PORT), '127.0.0.1');
