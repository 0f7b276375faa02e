import type { AdminHandlers } from '../proto/generated/g2g/v1/Admin';
import type { StatusResponse } from '../proto/generated/g2g/v1/StatusResponse';
import type { LeafInfo } from '../proto/generated/g2g/v1/LeafInfo';
import type { Logger } from '../log/logger';
import { describeCaller, type Caller } from '../transport/caller-identity';
import { isNodeId } from '../identity/node-id';
import { certFingerprint } from '../identity/cert-info';
import { boundedMap } from '../util/bounded-map';
import type { RemoveResponse } from '../proto/generated/g2g/v1/RemoveResponse';
import { callerOf } from '../transport/connection-identity';
import { unaryHandler } from '../transport/call-handlers';
import { CallerNotAllowedError, InvalidRequestError, UnknownMemberError, UnsupportedCallError } from '../transport/request-errors';
import type { MemberView } from '../membership/membership';
import type { NodeRecord } from '../membership/node-record';
import type { MemberInfo } from '../proto/generated/g2g/v1/MemberInfo';
import type { PeersResponse } from '../proto/generated/g2g/v1/PeersResponse';
import type { PeerPool } from '../pool/peer-pool';
import type { PluginInfo } from '../plugins/plugin-host';
import { modeToWire } from '../transport/node-mode-wire';

const STATE = { alive: 'MEMBER_STATE_ALIVE', suspect: 'MEMBER_STATE_SUSPECT', dead: 'MEMBER_STATE_DEAD', left: 'MEMBER_STATE_LEFT' } as const;

function recordInfo(r: NodeRecord): MemberInfo {
  return {
    nodeId: r.nodeId,
    mode: modeToWire(r.mode),
    addresses: [...r.addresses],
    version: r.version,
    heartbeat: r.heartbeat,
    leaf: { fingerprint: r.leaf.fingerprint, notAfterUnixMs: r.leaf.notAfterMs },
    registerPort: r.registerPort,
    gossipPort: r.gossipPort,
    services: [...r.services],
    tags: r.tags.map((t) => ({ key: t.key, value: t.value })),
    caFingerprint: fingerprintOf(r.caCertPem),
    previousCaFingerprint: r.previousCaCertPem ? fingerprintOf(r.previousCaCertPem) : '',
  };
}

function poolInfo(view: ReturnType<PeerPool['describe']> | undefined): PeersResponse {
  if (!view) return { groups: [], peers: [], queryOrder: [] };
  return {
    groups: view.groups,
    peers: view.peers.map(({ nodeId, groupId, stats }) => ({
      nodeId,
      groupId,
      ewmaMs: stats.ewmaMs ?? 0,
      meanMs: stats.meanMs ?? 0,
      samples: stats.samples,
      errors: stats.errors,
      lastSuccessUnixMs: stats.lastSuccessMs ?? 0,
      inFlight: stats.inFlight,
      latencyMs: stats.latencyMs ?? 0,
      p95Ms: stats.p95Ms ?? 0,
    })),
    queryOrder: view.queryOrder,
  };
}

function selfInfo(r: NodeRecord): MemberInfo {
  return { ...recordInfo(r), state: 'MEMBER_STATE_ALIVE' };
}

function memberInfo(m: MemberView, verifiedLeaf: string | undefined): MemberInfo {
  return {
    ...recordInfo(m.record),
    verifiedLeafFingerprint: verifiedLeaf ?? '',
    state: STATE[m.state],
    lastHeardUnixMs: m.lastHeardMs,
    suspectedBy: m.suspectedBy ?? '',
    suspectedAtUnixMs: m.suspectedAtMs ?? 0,
    limitMs: Math.round(m.limitMs),
  };
}

export interface AdminServiceComponents {
  /** Every plugin found, with its state. */
  plugins(): PluginInfo[];
  /** The client pool's view (undefined before the node has joined). */
  pool(): ReturnType<PeerPool['describe']> | undefined;
  /** Every peer in the membership table, and our own record. */
  members(): { self: NodeRecord | undefined; peers: MemberView[] };
  /** The leaf our pooled channel to a peer verified at its latest handshake. */
  verifiedLeaf?(nodeId: string): string | undefined;
  /** A snapshot of the node's state, without the caller field. */
  status(): Omit<StatusResponse, 'caller'>;
  /** Issues and installs a new leaf now; resolves to the leaf before and after. */
  rotate(reason: string): Promise<{ previous: LeafInfo; current: LeafInfo }>;
  /** Starts a node-CA rotation now. */
  rotateCa?(reason: string): Promise<{ previousFingerprint: string; fingerprint: string; switchAtMs: number; retireAtMs: number }>;
  /** Removes a member from the network (throws a G2gError when this node may not). */
  remove(nodeId: string, reason: string, caller?: Caller): RemoveResponse;
  /** Whether this node holds a record of `nodeId` (any state): only those can be removed. */
  knows(nodeId: string): boolean;
  /** Refuses callers that may not remove members (client-mode members); undefined to allow. */
  authorizeRemoval(caller: Caller | undefined): string | undefined;
  log: Logger;
}

/** Operating a node: read its status, rotate its leaf, list members and plugins, remove a member. */
export function adminHandlers(components: AdminServiceComponents): Pick<AdminHandlers, 'Status' | 'Rotate' | 'Members' | 'Peers' | 'Plugins' | 'Remove'> {
  const log = components.log;
  return {
    Plugins: unaryHandler(log, 'Admin.Plugins', () => ({ plugins: components.plugins() })),
    Remove: unaryHandler(log, 'Admin.Remove', (call) => {
      const caller = callerOf(call);
      const denied = components.authorizeRemoval(caller);
      if (denied) throw new CallerNotAllowedError(denied);
      const nodeId = call.request.nodeId;
      if (!isNodeId(nodeId)) throw new InvalidRequestError(`not a node id: ${JSON.stringify(nodeId.slice(0, 80))}`);
      // A signed removal of an id nobody has would be gossiped and kept for nothing, and a typo
      // would look like success: refuse it.
      if (!components.knows(nodeId)) throw new UnknownMemberError(`no member ${nodeId} is known to this node; run g2g members to see the ids it holds`);
      const reason = call.request.reason || `requested by ${describeCaller(caller)}`;
      const result = components.remove(nodeId, reason, caller);
      // A member telling this node that it removed it (the removal notice) is no removal by this
      // node: the node logs its own removal once, at error level, naming the remover.
      const notice = caller?.kind === 'member' && result.removedBy === caller.nodeId;
      if (!notice) log.warn({ nodeId, reason, by: describeCaller(caller), wasKnown: result.wasKnown }, 'removed a member from the network');
      return result;
    }),
    Peers: unaryHandler(log, 'Admin.Peers', () => poolInfo(components.pool())),
    Members: unaryHandler(log, 'Admin.Members', () => {
      const { self, peers } = components.members();
      return { self: self ? selfInfo(self) : null, members: peers.map((m) => memberInfo(m, components.verifiedLeaf?.(m.nodeId))) };
    }),
    Status: unaryHandler(log, 'Admin.Status', (call) => ({ ...components.status(), caller: describeCaller(callerOf(call)) })),
    Rotate: unaryHandler(log, 'Admin.Rotate', async (call) => {
      const who = describeCaller(callerOf(call));
      const reason = call.request.reason || `requested by ${who}`;
      if (!call.request.ca) return components.rotate(reason);
      // Like removal, a CA rotation is for people and server-mode members, not applications.
      const denied = components.authorizeRemoval(callerOf(call));
      if (denied) throw new CallerNotAllowedError(denied.replace('remove members', 'rotate the node CA'));
      if (!components.rotateCa) throw new UnsupportedCallError('this node cannot rotate its CA');
      const r = await components.rotateCa(reason);
      return { previousCaFingerprint: r.previousFingerprint, caFingerprint: r.fingerprint, caSwitchUnixMs: r.switchAtMs, caRetireUnixMs: r.retireAtMs };
    }),
  };
}

const fingerprints = boundedMap<string, string>(16_384);

/** Fingerprints of member CAs, computed once per CA (Members is polled). */
function fingerprintOf(pem: string): string {
  let fp = fingerprints.get(pem);
  if (fp === undefined) {
    try {
      fp = certFingerprint(pem);
    } catch {
      fp = '';
    }
    fingerprints.set(pem, fp);
  }
  return fp;
}
