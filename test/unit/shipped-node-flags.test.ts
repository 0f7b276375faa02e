import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { shippedNodeFlags } from '../helpers/node-process';

const ROOT = path.resolve(__dirname, '../../..');

/**
 * The V8 flags a node runs with are said in the g2g executable's shebang; the image, the systemd
 * unit and the local-cluster script start node themselves and must repeat them (none of them can
 * import a list). This keeps the copies equal to the shebang.
 */
const COPIES: { file: string; line: RegExp }[] = [
  { file: 'Dockerfile', line: /^ENTRYPOINT \["node", (.*), "\/opt\/g2g\/dist\/src\/cli\/main\.js"\]$/m },
  { file: 'Dockerfile', line: /exec node (.*?) \/opt\/g2g\/dist\/src\/cli\/main\.js/ },
  { file: 'examples/systemd/g2g.service', line: /^ExecStart=\/usr\/bin\/node (.*?) \/opt\/g2g\/dist\/src\/cli\/main\.js/m },
  { file: 'examples/local-cluster/run.sh', line: /^G2G="node (.*?) dist\/src\/cli\/main\.js"$/m },
];

const flagsOf = (text: string) => text.replace(/"/g, '').split(/[ ,]+/).filter((w) => w !== '');

test('the image, the systemd unit and the local-cluster script pass the shebang\'s node flags', () => {
  const shebang = flagsOf(shippedNodeFlags());
  assert.ok(shebang.length > 0, 'the shebang passes node flags');
  for (const { file, line } of COPIES) {
    const found = line.exec(readFileSync(path.join(ROOT, file), 'utf8'));
    assert.ok(found, `${file}: no line matching ${line}`);
    assert.deepEqual(flagsOf(found[1]!), shebang, `${file} passes other node flags than the shebang`);
  }
});
