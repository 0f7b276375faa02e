import { parseCert, joinPemBundle, subjectCommonName, splitPemBundle } from '../identity/cert-info';
import { readNodeCaFiles, readPreviousCaCert } from '../identity/identity-store';
import { readKnownPeers } from '../node/known-peers';
import { caPins } from '../node/node-membership';

/**
 * The CA bundle an operator needs to reach every member (`g2g credentials`' ca.pem): this node's
 * CA (and, during a CA rotation, its previous one) plus every member's CA(s) from the membership
 * the node last saved (`membership.json`, written every few gossip intervals). Members it holds
 * removed are left out; members that left are not in that file. Each record's CA must name the
 * record's node (`CN=<nodeId> CA`, what the client's identity check expects of a leaf's issuer).
 * Its key need not derive the id: a node keeps its id across CA rotations.
 */
export async function networkCaBundle(dataDir: string): Promise<{ pem: string; nodeIds: string[] }> {
  const own = await readNodeCaFiles(dataDir);
  const previous = await readPreviousCaCert(dataDir);
  const known = await readKnownPeers(dataDir);
  const removed = new Set((known.removals ?? []).filter((h) => !h.removal.reinstated).map((h) => h.removal.nodeId));
  const pems = [own.certPem, ...(previous ? [previous] : [])];
  const nodeIds = [own.nodeId];
  for (const record of known.peers) {
    if (removed.has(record.nodeId) || nodeIds.includes(record.nodeId)) continue;
    if (caNodeId(record.caCertPem) !== record.nodeId) continue;
    nodeIds.push(record.nodeId);
    pems.push(...splitPemBundle(caPins(record)));
  }
  return { pem: joinPemBundle(pems), nodeIds };
}

/** The node id a g2g node CA certificate names (`CN=<nodeId> CA`), undefined for anything else. */
export function caNodeId(caCertPem: string): string | undefined {
  try {
    const match = /^([a-z2-7]{32}) CA$/.exec(subjectCommonName(parseCert(caCertPem)) ?? '');
    return match?.[1];
  } catch {
    return undefined;
  }
}
