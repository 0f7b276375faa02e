import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { EXIT } from '../../src/cli/cli-error';
import { durationFlag } from '../../src/cli/commands/common';

/**
 * The supervisor and probe files we ship run `g2g` unattended, where a wrong flag value or a
 * restart loop is noticed late: their `g2g health` calls must pass the CLI's own flag checks, and
 * systemd must not restart a node whose exit says restarting will not help.
 */

const root = path.resolve(__dirname, '../../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

test('systemd does not restart a node that exited for bad configuration or because it was removed', () => {
  const line = /^RestartPreventExitStatus=(.*)$/m.exec(read('examples/systemd/g2g.service'));
  assert.ok(line, 'g2g.service has RestartPreventExitStatus=');
  const statuses = line[1]!.trim().split(/\s+/).map(Number);
  assert.ok(statuses.includes(EXIT.USAGE), `exit ${EXIT.USAGE} (configuration) in ${line[0]}`);
  assert.ok(statuses.includes(EXIT.REMOVED), `exit ${EXIT.REMOVED} (removed) in ${line[0]}`);
});

test('every shipped `g2g health --timeout` takes a duration with a unit', () => {
  const files = ['Dockerfile', 'examples/systemd/g2g.service', 'examples/load-balancer/g2g-lb-check', 'docs/deploy.md'];
  let seen = 0;
  for (const file of files) {
    for (const match of read(file).matchAll(/health\b[^\n]*?--timeout[ =](\S+)/g)) {
      if (/^[A-Z]/.test(match[1]!)) continue; // a synopsis placeholder (`--timeout DURATION`)
      seen++;
      assert.doesNotThrow(() => durationFlag('--timeout', match[1]!), `${file}: --timeout ${match[1]}`);
    }
  }
  assert.ok(seen >= 3, `found ${seen} health calls with --timeout`);
});
