import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { DelayProxy } from '../helpers/delay-proxy';

test('the delay proxy relays bytes in order both ways and adds its delay to a round trip', async () => {
  const echo = net.createServer((s) => s.pipe(s));
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
  const port = (echo.address() as AddressInfo).port;
  const roundTrip = async (p: number) => {
    const socket = net.connect(p, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const started = process.hrtime.bigint();
    let got = '';
    socket.write('hello, ');
    socket.write('world');
    await new Promise<void>((resolve) => socket.on('data', (c) => ((got += c), got.length >= 12 && resolve())));
    socket.destroy();
    return { got, ms: Number(process.hrtime.bigint() - started) / 1e6 };
  };
  const proxy = await DelayProxy.start({ host: '127.0.0.1', port }, 40);
  try {
    const direct = await roundTrip(port);
    const delayed = await roundTrip(proxy.port);
    assert.equal(delayed.got, 'hello, world');
    // Relative, not absolute: two 40 ms legs make the proxied round trip longer than the direct one.
    assert.ok(delayed.ms > direct.ms, `${delayed.ms} > ${direct.ms}`);
  } finally {
    await proxy.stop();
    echo.close();
  }
});
