// Copies the files the service reads at run time besides its code (templates: `*.hbs`; the bot's
// intents.seed.json, read by its migration; the web clients' files in `public/` folders) from src/
// to the same place under dist/src/, so `node dist/src/main.js` finds them beside the compiled
// module that loads them. Run by `npm run build` after tsc.
import { cpSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const ASSET = /\.hbs$|^intents\.seed\.json$/;
const PUBLIC = /[\\/]public$/;

function copy(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) copy(path);
    else if (ASSET.test(entry.name) || PUBLIC.test(dir)) cpSync(path, join('dist', path));
  }
}

copy('src');
