#!/usr/bin/env node
'use strict';
// Runs the compiled tests (dist/test/{unit,sim,integration,interop}/**/*.test.js) with `node --test`.
// A list of files rather than globs: Node 20's --test does not expand globs (Node 21+ does) and
// fails on a directory that does not exist yet (e.g. a suite with no tests).
//
//   node test/run-tests.js                       every suite
//   node test/run-tests.js interop               only the named suites
//   node test/run-tests.js unit -- --test-only   further flags go to `node --test`
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const SUITES = ['unit', 'sim', 'integration', 'interop', 'netns'];
const DEFAULT_FLAGS = ['--test-concurrency=2', '--test-timeout=600000'];
const root = path.resolve(__dirname, '..', 'dist', 'test');
// Tests that live beside what they test, outside test/ (the plugin author's guide's example).
const EXTRA_DIRS = { unit: [path.resolve(__dirname, '..', 'dist', 'examples')] };

const argv = process.argv.slice(2);
const dashes = argv.indexOf('--');
const names = dashes < 0 ? argv : argv.slice(0, dashes);
const extra = dashes < 0 ? [] : argv.slice(dashes + 1);
const unknown = names.filter((n) => !SUITES.includes(n));
if (unknown.length > 0) {
  console.error(`run-tests: unknown suite(s) ${unknown.join(', ')}; known: ${SUITES.join(', ')}`);
  process.exit(2);
}

function testFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.test.js'))
    .sort()
    .map((f) => path.join(dir, f));
}

const files = (names.length > 0 ? names : SUITES).flatMap((suite) => [path.join(root, suite), ...(EXTRA_DIRS[suite] ?? [])].flatMap(testFiles));
if (files.length === 0) {
  console.error(`run-tests: no compiled tests under ${root} (run \`npm run build\` first)`);
  process.exit(1);
}

const child = spawn(process.execPath, ['--test', ...DEFAULT_FLAGS, ...extra, ...files], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
