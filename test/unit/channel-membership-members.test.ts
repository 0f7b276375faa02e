import assert from 'node:assert/strict';
import { test } from 'node:test';
import { membershipMembers, type MembershipSource } from '../../src/channel/membership-members';
import type { MemberView } from '../../src/membership/membership';
import { ManualClock } from '../../src/testing/manual-clock';

const view = (nodeId: string, mode: 'server' | 'client', state: MemberView['state'], left = false): MemberView =>
  ({ nodeId, mode, state, record: { nodeId, addresses: ['10.0.0.1'], gossipPort: 7401, caCertPem: `pem-${nodeId}`, left, mode } }) as unknown as MemberView;

test('peers are the alive server-mode members, recomputed at most every refresh; origins are checked in any state but left', () => {
  let list = [view('a', 'server', 'alive'), view('b', 'client', 'alive'), view('c', 'server', 'suspect'), view('d', 'server', 'dead'), view('e', 'server', 'left', true)];
  let calls = 0;
  const source: MembershipSource = {
    members: () => {
      calls++;
      return list;
    },
    member: (id) => list.find((m) => m.nodeId === id),
  };
  const clock = new ManualClock(1000);
  const members = membershipMembers(source, clock, 200);
  assert.deepEqual(members.peers().map((p) => p.nodeId), ['a']);
  const first = members.peers();
  assert.equal(members.peers(), first, 'cached: the same array until the refresh');
  assert.equal(calls, 1);
  list = [...list, view('f', 'server', 'alive')];
  clock.advance(199);
  assert.equal(members.peers().length, 1);
  clock.advance(1);
  assert.deepEqual(members.peers().map((p) => p.nodeId), ['a', 'f']);
  assert.deepEqual(members.member('d'), { mode: 'server', caCertPem: 'pem-d' });
  assert.deepEqual(members.member('b'), { mode: 'client', caCertPem: 'pem-b' });
  assert.equal(members.member('e'), undefined, 'a member that left is no longer an origin');
  assert.equal(members.member('zz'), undefined);
});
