import assert from 'node:assert/strict';
import { after, test, type TestContext } from 'node:test';
import { eventually } from '../helpers/eventually';
import { removeDir } from '../helpers/node-process';
import { OperatorAdmins } from '../helpers/operator-admins';
import { bootstrapToken, newPod, podEnv, registerEndpoint, startPod, type Pod } from '../helpers/pods';
import { RoundRobinProxy } from '../helpers/round-robin-proxy';

/**
 * A StatefulSet's pods get identical settings (the Service in front of every register
 * port, and a token from a Secret) and form one network whatever the start order. Real node
 * processes; a TCP round-robin proxy stands in for the Service (and routes pods to themselves).
 */

/**
 * Each test waits for up to three states of several real processes (bounded by `eventually`); on
 * a 2-core machine shared with other suites that can outlast the runner's 180 s default.
 */
const TEST_TIMEOUT_MS = 480_000;

// Replaced when a pod restarts on new ports (its admin client would dial the old one).
let admins = new OperatorAdmins('pods-test');
const pods: Pod[] = [];
const proxies: RoundRobinProxy[] = [];

/** Runs `body`; when it fails, prints what the pods said (they log at warn and above). */
async function withPodLogs(t: TestContext, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    for (const pod of pods) if (pod.process) t.diagnostic(`${pod.process.facts.nodeId}:\n${pod.process.stderr().split('\n').slice(-15).join('\n')}`);
    throw error;
  }
}

after(async () => {
  admins.close();
  for (const pod of pods) {
    await pod.process?.stop('SIGKILL');
    await removeDir(pod.dataDir);
  }
  for (const proxy of proxies) await proxy.close();
});

/** The node ids `pod` holds alive (Admin.Members). */
async function aliveAt(pod: Pod): Promise<string[]> {
  const view = await admins.members(pod.process!);
  return view.members.filter((m) => m.state === 'MEMBER_STATE_ALIVE').map((m) => m.nodeId).sort();
}

/** `read`, retried on errors (a loaded machine misses an admin call's deadline now and then). */
async function retried<T>(read: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await read();
    } catch (error) {
      if (i >= attempts) throw error;
    }
  }
}

/** Every pod of `group` holds every other alive. */
async function oneNetwork(group: readonly Pod[]): Promise<boolean> {
  for (const pod of group) {
    const others = group.filter((p) => p !== pod).map((p) => p.process!.facts.nodeId);
    const alive = new Set(await aliveAt(pod));
    if (!others.every((id) => alive.has(id))) return false;
  }
  return true;
}

async function proxyFor(group: readonly Pod[]): Promise<RoundRobinProxy> {
  const proxy = await RoundRobinProxy.start(group.map(registerEndpoint));
  proxies.push(proxy);
  return proxy;
}

test('4 pods with identical settings started at once form one network; a pod killed -9 rejoins from its data dir; a fifth joins later', { timeout: TEST_TIMEOUT_MS }, (t) => withPodLogs(t, async () => {
  const token = bootstrapToken();
  const group = await Promise.all([1, 2, 3, 4].map(() => newPod()));
  pods.push(...group);
  const service = await proxyFor(group);
  const env = podEnv(service.address, token);

  const began = Date.now();
  await Promise.all(group.map((pod) => startPod(pod, env)));
  await eventually('the 4 pods hold each other alive', () => oneNetwork(group), 120_000);
  t.diagnostic(`4 identical pods started together formed one network in ${Date.now() - began} ms`);
  const ids = new Set(group.map((p) => p.process!.facts.nodeId));
  assert.equal(ids.size, 4, 'four identities');

  const victim = group[1]!;
  const victimId = victim.process!.facts.nodeId;
  await victim.process!.stop('SIGKILL');
  await startPod(victim, env);
  admins.close();
  admins = new OperatorAdmins('pods-test');
  assert.equal(victim.process!.facts.nodeId, victimId, 'restarted from its data dir: same identity');
  await eventually('the restarted pod and the others hold each other alive', () => oneNetwork(group), 120_000);

  const fifth = await newPod();
  pods.push(fifth);
  service.setBackends([...group, fifth].map(registerEndpoint));
  await startPod(fifth, env);
  await eventually('the fifth pod joined the four', () => oneNetwork([...group, fifth]), 120_000);
}));

test('two islands of the same cluster, started behind two Services, merge once one Service is in front of both', { timeout: TEST_TIMEOUT_MS }, (t) => withPodLogs(t, async () => {
  const token = bootstrapToken();
  const islandA = await Promise.all([1, 2].map(() => newPod()));
  const islandB = await Promise.all([1, 2].map(() => newPod()));
  pods.push(...islandA, ...islandB);
  const serviceA = await proxyFor(islandA);
  const serviceB = await proxyFor(islandB);
  await Promise.all([...islandA.map((pod) => startPod(pod, podEnv(serviceA.address, token))), ...islandB.map((pod) => startPod(pod, podEnv(serviceB.address, token)))]);
  await eventually('island A formed', () => oneNetwork(islandA), 120_000);
  await eventually('island B formed', () => oneNetwork(islandB), 120_000);
  const idsA = new Set(islandA.map((p) => p.process!.facts.nodeId));
  for (const pod of islandB) assert.ok(!(await retried(() => aliveAt(pod))).some((id) => idsA.has(id)), 'island B does not know island A yet');

  // One Service selects all four pods now (both names resolve to it).
  const everyone = [...islandA, ...islandB];
  const began = Date.now();
  serviceA.setBackends(everyone.map(registerEndpoint));
  serviceB.setBackends(everyone.map(registerEndpoint));
  await eventually('the two islands merged into one network', () => oneNetwork(everyone), 150_000);
  t.diagnostic(`two islands of 2 pods merged in ${Date.now() - began} ms (serviceJoinInterval 2s, local profile)`);
}));
