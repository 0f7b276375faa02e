import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../identity/atomic-file';
import type { HeldRemoval } from '../membership/membership';
import type { NodeRecord } from '../membership/node-record';
import { decodeNodeRecord, encodeNodeRecord } from '../register/record-codec';
import { recordFromWire, recordToWire } from '../transport/gossip-wire';

/**
 * What a node remembers across restarts (`<dataDir>/membership.json`): the last version it
 * published, and the signed records of the peers it knew, so that it rejoins through them
 * without a new ticket. Records stay signed by their owners, so a tampered file only loses peers.
 */
export interface KnownPeers {
  version: number;
  peers: NodeRecord[];
  /** Removals and reinstatements this node holds (`g2g remove`), each verified again when read back. */
  removals?: HeldRemoval[];
}

export const KNOWN_PEERS_FILE = 'membership.json';

export async function readKnownPeers(dataDir: string): Promise<KnownPeers> {
  let text: string;
  try {
    text = await readFile(path.join(dataDir, KNOWN_PEERS_FILE), 'utf8');
  } catch {
    return { version: 0, peers: [] };
  }
  try {
    const json = JSON.parse(text) as { version?: unknown; peers?: unknown; removals?: unknown };
    const peers: NodeRecord[] = [];
    for (const encoded of Array.isArray(json.peers) ? json.peers : []) {
      if (typeof encoded !== 'string') continue;
      try {
        peers.push(recordFromWire(decodeNodeRecord(Buffer.from(encoded, 'base64'))));
      } catch {
        // A damaged entry costs one peer, not the rest.
      }
    }
    const removals: HeldRemoval[] = [];
    for (const entry of Array.isArray(json.removals) ? (json.removals as unknown[]) : []) {
      const held = heldRemovalFromJson(entry);
      if (held) removals.push(held);
    }
    return { version: typeof json.version === 'number' && Number.isSafeInteger(json.version) ? json.version : 0, peers, removals };
  } catch {
    return { version: 0, peers: [] };
  }
}

export async function writeKnownPeers(dataDir: string, known: KnownPeers): Promise<void> {
  const body = {
    version: known.version,
    peers: known.peers.map((r) => encodeNodeRecord(recordToWire(r)).toString('base64')),
    removals: (known.removals ?? []).map(heldRemovalToJson),
  };
  await writeFileAtomic(path.join(dataDir, KNOWN_PEERS_FILE), `${JSON.stringify(body)}\n`, 0o600);
}

interface HeldRemovalJson {
  nodeId: string;
  remover: string;
  issuedAtMs: number;
  reinstated: boolean;
  signature: string;
  untilMs: number;
}

function heldRemovalToJson({ removal, untilMs }: HeldRemoval): HeldRemovalJson {
  return {
    nodeId: removal.nodeId,
    remover: encodeNodeRecord(recordToWire(removal.remover)).toString('base64'),
    issuedAtMs: removal.issuedAtMs,
    reinstated: removal.reinstated,
    signature: Buffer.from(removal.signature).toString('base64'),
    untilMs,
  };
}

function heldRemovalFromJson(value: unknown): HeldRemoval | undefined {
  const j = value as Partial<HeldRemovalJson> | null;
  if (!j || typeof j.nodeId !== 'string' || typeof j.remover !== 'string' || typeof j.signature !== 'string') return undefined;
  if (typeof j.issuedAtMs !== 'number' || typeof j.untilMs !== 'number') return undefined;
  try {
    const remover = recordFromWire(decodeNodeRecord(Buffer.from(j.remover, 'base64')));
    return {
      removal: { nodeId: j.nodeId, remover, issuedAtMs: j.issuedAtMs, reinstated: j.reinstated === true, signature: Buffer.from(j.signature, 'base64') },
      untilMs: j.untilMs,
    };
  } catch {
    return undefined;
  }
}
