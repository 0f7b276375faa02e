import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../identity/atomic-file';
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
    const json = JSON.parse(text) as { version?: unknown; peers?: unknown };
    const peers: NodeRecord[] = [];
    for (const encoded of Array.isArray(json.peers) ? json.peers : []) {
      if (typeof encoded !== 'string') continue;
      try {
        peers.push(recordFromWire(decodeNodeRecord(Buffer.from(encoded, 'base64'))));
      } catch {
        // A damaged entry costs one peer, not the rest.
      }
    }
    return { version: typeof json.version === 'number' && Number.isSafeInteger(json.version) ? json.version : 0, peers };
  } catch {
    return { version: 0, peers: [] };
  }
}

export async function writeKnownPeers(dataDir: string, known: KnownPeers): Promise<void> {
  const body = { version: known.version, peers: known.peers.map((r) => encodeNodeRecord(recordToWire(r)).toString('base64')) };
  await writeFileAtomic(path.join(dataDir, KNOWN_PEERS_FILE), `${JSON.stringify(body)}\n`, 0o600);
}
