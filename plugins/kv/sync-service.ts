import type * as grpc from '@grpc/grpc-js';
import type { Logger, Caller } from 'g2g';
import { syncResponder, type KeyVersion, type SyncPeer } from './anti-entropy';
import type { KvEntry } from './entry';
import { entryFromWire, entryToWire, versionFromWire, type WireEntry, type WireVersion } from './entry-codec';
import { unaryHandler } from 'g2g';
import { NotAMemberError } from './errors';
import type { Replica } from './replica';

export const KEY_VALUE_SYNC_SERVICE = 'g2g.kv.v1.KeyValueSync';

/** Value bytes in one Fetch answer (well under grpc-js's 4 MiB default message limit). */
export const FETCH_MAX_BYTES = 1 << 20;

export interface SyncServiceComponents {
  replica: Replica;
  log: Logger;
  /** Who is calling (from the verified client certificate). */
  callerOf(call: grpc.ServerUnaryCall<unknown, unknown>): Caller | undefined;
  /** Whether this node completed a sync round recently enough to speak for the network. */
  authoritative(): boolean;
}

/** Handlers of `g2g.kv.v1.KeyValueSync`: members only. */
export function syncHandlers(c: SyncServiceComponents): grpc.UntypedServiceImplementation {
  const state = c.replica.state;
  const memberOnly = <Req, Res>(fn: (request: Req, from: string) => Res | Promise<Res>): grpc.handleUnaryCall<Req, Res> =>
    unaryHandler<Req, Res>(c.log, KEY_VALUE_SYNC_SERVICE, (call) => {
      const caller = c.callerOf(call);
      if (caller?.kind !== 'member') throw new NotAMemberError('KeyValueSync is for members of the network only');
      return fn(call.request, caller.nodeId);
    });
  return {
    Digest: memberOnly((req: { buckets: Uint8Array[] }) => syncResponder.digest(state, req.buckets ?? [], c.authoritative())),
    Versions: memberOnly((req: { buckets: number[] }) => ({
      versions: syncResponder.versions(state, (req.buckets ?? []).filter((b) => Number.isInteger(b) && b >= 0 && b < 256)),
    })),
    Fetch: memberOnly((req: { keys: string[] }) => ({ entries: syncResponder.fetch(state, req.keys ?? [], FETCH_MAX_BYTES).map(entryToWire) })),
    Push: memberOnly(async (req: { entries: WireEntry[] }, from: string) => {
      const entries: KvEntry[] = [];
      for (const w of req.entries ?? []) {
        try {
          entries.push(entryFromWire(w));
        } catch {
          // A malformed entry is skipped; the rest of the batch still counts.
        }
      }
      return { applied: await c.replica.applyRemote(entries, from) };
    }),
  };
}

/** The generated client shape of `g2g.kv.v1.KeyValueSync` that the sync round uses. */
export interface KeyValueSyncClient extends grpc.Client {
  Digest(req: object, options: grpc.CallOptions, cb: grpc.requestCallback<{ differing: { bucket: number; entries: number }[]; authoritative: boolean }>): grpc.ClientUnaryCall;
  Versions(req: object, options: grpc.CallOptions, cb: grpc.requestCallback<{ versions: { key: string; version: WireVersion }[] }>): grpc.ClientUnaryCall;
  Fetch(req: object, options: grpc.CallOptions, cb: grpc.requestCallback<{ entries: WireEntry[] }>): grpc.ClientUnaryCall;
  Push(req: object, options: grpc.CallOptions, cb: grpc.requestCallback<{ applied: number }>): grpc.ClientUnaryCall;
}

/** A {@link SyncPeer} over a pooled gRPC client; every call gets its own deadline. */
export function grpcSyncPeer(client: KeyValueSyncClient, timeoutMs: number, now: () => number = Date.now): SyncPeer {
  const call = <Res>(method: 'Digest' | 'Versions' | 'Fetch' | 'Push', req: object): Promise<Res> =>
    new Promise((resolve, reject) => {
      const fn = client[method] as (req: object, options: grpc.CallOptions, cb: grpc.requestCallback<Res>) => grpc.ClientUnaryCall;
      fn.call(client, req, { deadline: now() + timeoutMs }, (error, response) => (error ? reject(error) : resolve(response!)));
    });
  return {
    async digest(buckets) {
      const r = await call<{ differing?: { bucket: number; entries: number }[]; authoritative?: boolean }>('Digest', { buckets: buckets.map((b) => Buffer.from(b)) });
      return { differing: (r.differing ?? []).map((d) => ({ bucket: Number(d.bucket), entries: Number(d.entries) })), authoritative: r.authoritative === true };
    },
    async versions(buckets) {
      const r = await call<{ versions?: { key: string; version: WireVersion }[] }>('Versions', { buckets });
      const out: KeyVersion[] = [];
      for (const kv of r.versions ?? []) {
        try {
          out.push({ key: kv.key, version: versionFromWire(kv.version) });
        } catch {
          // skip a malformed version
        }
      }
      return out;
    },
    async fetch(keys) {
      const r = await call<{ entries?: WireEntry[] }>('Fetch', { keys });
      const out: KvEntry[] = [];
      for (const w of r.entries ?? []) {
        try {
          out.push(entryFromWire(w));
        } catch {
          // skip a malformed entry
        }
      }
      return out;
    },
    async push(entries) {
      await call('Push', { entries: entries.map(entryToWire) });
    },
  };
}
