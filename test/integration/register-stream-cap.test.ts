import assert from 'node:assert/strict';
import type http2 from 'node:http2';
import { after, before, test } from 'node:test';
import type { G2gNode } from '../../src/node/g2g-node';
import { startInProcessNode } from '../helpers/in-process-node';
import { rawCall, rawSession } from '../helpers/raw-grpc';

/*
 * The register port's cap on concurrent calls per connection (registerStreamsPerConnection, 16 by
 * default) is what the node's HTTP/2 server announces and what a connection can really carry at
 * once: one unauthenticated connection cannot hold more than 16 calls open.
 */

let node: G2gNode;
let close: () => Promise<void>;
const sessions: http2.ClientHttp2Session[] = [];

before(async () => {
  ({ node, close } = await startInProcessNode());
});

after(async () => {
  for (const session of sessions) session.destroy();
  await close();
});

/** ServerReflectionInfo's list_services request: answered at once, and the stream stays open. */
const LIST_SERVICES = Buffer.from([0x3a, 0x00]);
const REFLECTION = '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo';

test('a register-port connection carries at most 16 concurrent calls (SETTINGS_MAX_CONCURRENT_STREAMS); the 17th waits until one ends', async () => {
  const session = await rawSession({ port: node.boundPorts.register });
  sessions.push(session);
  // 'connect' may come before the server's SETTINGS frame (remoteSettings then hold HTTP/2's defaults).
  if (session.remoteSettings.maxConcurrentStreams !== 16) {
    await new Promise((resolve) => {
      session.once('remoteSettings', resolve);
      setTimeout(resolve, 5_000).unref();
    });
  }
  console.log(`remote settings: ${JSON.stringify(session.remoteSettings)}`);
  assert.equal(session.remoteSettings.maxConcurrentStreams, 16, 'the node announces the cap');

  const streams: http2.ClientHttp2Stream[] = [];
  const open = Array.from({ length: 16 }, () =>
    rawCall(session, REFLECTION, [LIST_SERVICES], { keepOpen: true, untilMessages: 1, timeoutMs: 20_000, onStream: (stream) => streams.push(stream) }),
  );
  const answered = await Promise.all(open);
  for (const result of answered) assert.equal(result.messages.length, 1, `answered: ${result.status ?? ''} ${result.details}`);

  let seventeenthAnswered = false;
  const seventeenth = rawCall(session, REFLECTION, [LIST_SERVICES], { keepOpen: true, untilMessages: 1, timeoutMs: 20_000 }).then((result) => {
    seventeenthAnswered = true;
    return result;
  });
  // A round trip that the node answers on another connection: had the 17th stream been sent, its
  // answer would have had the same time to come back.
  const other = await rawSession({ port: node.boundPorts.register });
  sessions.push(other);
  assert.equal((await rawCall(other, REFLECTION, [LIST_SERVICES], { untilMessages: 1, keepOpen: true, timeoutMs: 20_000 })).messages.length, 1);
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(seventeenthAnswered, false, 'the 17th call is held back while 16 are open');

  streams[0]!.close();
  const result = await seventeenth;
  assert.equal(result.messages.length, 1, 'it goes through once one of the 16 ended');
});
