#!/usr/bin/env node
// Runs npm scripts side by side and fails if any fails: node scripts/run-parallel.mjs compile lint
// `npm test` uses it for the compiler and ESLint, which each keep one core busy, so on two cores
// both finish in about the time of the slower one. Each script's output is printed in one piece
// when it ends, never interleaved; every script runs to its end, so all errors are shown at once.
import { spawn } from 'node:child_process';

const names = process.argv.slice(2);
if (names.length === 0) {
  console.error('Usage: node scripts/run-parallel.mjs <npm script>...');
  process.exit(2);
}

const npm = process.env.npm_execpath ? [process.execPath, [process.env.npm_execpath]] : ['npm', []];

function run(name) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(npm[0], [...npm[1], 'run', name], { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks = [];
    child.stdout.on('data', (chunk) => chunks.push(chunk));
    child.stderr.on('data', (chunk) => chunks.push(chunk));
    child.on('error', (error) => chunks.push(Buffer.from(`${error.message}\n`)));
    child.on('close', (code, signal) => {
      const status = code === 0 ? 'ok' : `failed (${signal ?? `exit code ${code}`})`;
      process.stdout.write(`> ${name}: ${status} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      process.stdout.write(Buffer.concat(chunks));
      resolve(code === 0);
    });
  });
}

const results = await Promise.all(names.map(run));
process.exit(results.every(Boolean) ? 0 : 1);
