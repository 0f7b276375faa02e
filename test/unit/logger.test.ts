import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger } from '../../src/log/logger';

test('key material and token secrets never reach a log line', () => {
  let out = '';
  const sink = new Writable({ write: (chunk, _enc, done) => ((out += String(chunk)), done()) });
  const log = createLogger('info', sink as never).child({ component: 'test' });
  log.info({ privateKey: 'PK-SECRET', leaf: { keyPem: 'LEAF-KEY', certPem: 'CERT' }, token: 'abc.TOKEN-SECRET', join: { secret: 'JOIN-SECRET' } }, 'hello');
  assert.match(out, /"msg":"hello"/);
  assert.match(out, /CERT/, 'non-secret fields are kept');
  for (const secret of ['PK-SECRET', 'LEAF-KEY', 'TOKEN-SECRET', 'JOIN-SECRET']) assert.doesNotMatch(out, new RegExp(secret));
});
