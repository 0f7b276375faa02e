import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { EXIT } from '../../src/cli/cli-error';

/**
 * The supervisor and probe files we ship run `g2g` unattended, where a restart loop is noticed
 * late: systemd must not restart a node whose exit says restarting will not help.
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
