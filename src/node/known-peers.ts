import { readFile, rename } from 'node:fs/promises';
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

/** What reading found besides the peers. */
export interface KnownPeersRead extends KnownPeers {
  /**
   * The file existed but could not be used (not JSON, not our format): it was moved to `movedTo`
   * (kept for a person to look at), or could not be moved (`movedTo` undefined, `reason` says why).
   */
  corrupt?: { movedTo: string | undefined; reason: string };
  /** The file named peers (this node was in a network before), whether or not any could be read. */
  hadPeers: boolean;
}

export const KNOWN_PEERS_FILE = 'membership.json';

/**
 * Reads `<dataDir>/membership.json`. A missing file is a first start. A file that is not ours to
 * read (a torn write by another tool, a disk error, a hand edit) is moved aside to
 * `membership.json.corrupt-<time>` rather than silently treated as "no peers": the caller warns,
 * and the next save does not overwrite the evidence.
 */
export async function readKnownPeers(dataDir: string, now: () => number = Date.now): Promise<KnownPeersRead> {
  const file = path.join(dataDir, KNOWN_PEERS_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 0, peers: [], hadPeers: false };
    return { version: 0, peers: [], hadPeers: false, corrupt: { movedTo: undefined, reason: (error as Error).message } };
  }
  let json: { version?: unknown; peers?: unknown; removals?: unknown };
  try {
    json = JSON.parse(text) as typeof json;
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('not a JSON object');
  } catch (error) {
    const movedTo = `${file}.corrupt-${new Date(now()).toISOString().replace(/[:.]/g, '-')}`;
    const reason = (error as Error).message;
    try {
      await rename(file, movedTo);
      return { version: 0, peers: [], hadPeers: false, corrupt: { movedTo, reason } };
    } catch (renameError) {
      return { version: 0, peers: [], hadPeers: false, corrupt: { movedTo: undefined, reason: `${reason}; could not move it aside: ${(renameError as Error).message}` } };
    }
  }
  const peers: NodeRecord[] = [];
  const listed = Array.isArray(json.peers) ? json.peers : [];
  for (const encoded of listed) {
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
  return { version: typeof json.version === 'number' && Number.isSafeInteger(json.version) ? json.version : 0, peers, removals, hadPeers: listed.length > 0 };
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
