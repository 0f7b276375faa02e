import assert from 'node:assert/strict';
import { test } from 'node:test';
import { silentLogger } from '../../src/log/logger';
import type { MemberState } from '../../src/membership/transport';
import { departedChannelSweep } from '../../src/node/departed-channel-sweep';
import { ManualClock } from '../../src/testing/manual-clock';

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Channels held to peers, and what membership says of each. */
function setup(states: Record<string, MemberState | undefined>, tombstoned: readonly string[]) {
  const clock = new ManualClock(0);
  const open = new Set(Object.keys(states));
  const clients = {
    sweep(gone: (nodeId: string) => boolean): number {
      let closed = 0;
      for (const id of [...open]) {
        if (gone(id)) {
          open.delete(id);
          closed++;
        }
      }
      return closed;
    },
  };
  let started = false;
  const membership = { stateOf: (id: string) => states[id], isTombstoned: (id: string) => tombstoned.includes(id) };
  const sweep = departedChannelSweep({ clock, log: silentLogger(), clients, membership: () => (started ? membership : undefined) }, 5000);
  return { clock, open, sweep, start: () => (started = true) };
}

test('the sweep closes channels to peers that left or were dropped (tombstoned), not to dead, suspect or alive ones', async () => {
  const { clock, open, sweep, start } = setup({ left: 'left', gone: undefined, dead: 'dead', suspect: 'suspect', alive: 'alive', unknown: undefined }, ['gone']);
  sweep.start();
  clock.advance(5000);
  assert.equal(open.size, 6, 'nothing is swept before membership has started');
  await settle();
  start();
  clock.advance(4999);
  assert.equal(open.size, 6, 'not before the interval');
  clock.advance(1);
  assert.deepEqual([...open].sort(), ['alive', 'dead', 'suspect', 'unknown']);
  await settle();
  assert.equal(clock.pendingTimers(), 1, 'it re-arms');
  sweep.stop();
  assert.equal(clock.pendingTimers(), 0);
});
