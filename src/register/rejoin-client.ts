import * as grpc from '@grpc/grpc-js';
import type { Logger } from '../log/logger';
import type { NodeRecord } from '../proto/generated/g2g/v1/NodeRecord';
import { JoinFailedError, type JoinAttemptFailure } from './errors';
import type { CaSigner } from './join-handshake';
import { describeFailure, driveHandshake, registerClient, verifiedCredentials, type SeedIdentity } from './join-client';
import { encodeNodeRecord } from './record-codec';
import { RejoinClientHandshake, type RejoinWelcomeResult } from './rejoin-handshake';

/**
 * The member's side of Register.Rejoin (rejoin-handshake.ts): after its node CA rotated out of
 * the sight of the members it knows, try their register ports in order until one takes its
 * record. Each target is a member we knew, so its channel is verified against the CA we hold for
 * it and must present a leaf naming its id (no discovery, no token).
 */

export interface RejoinTarget {
  /** `host:port` of its register port. */
  address: string;
  identity: SeedIdentity;
}

export interface RejoinOptions {
  cluster: string;
  /** Our NodeRecord, with our CA lineage, signed with our current CA key. */
  record: NodeRecord;
  /** Signs with our current node CA key. */
  sign: CaSigner;
  /** Budget per address (default 10 s). */
  attemptTimeoutMs?: number;
  log?: Logger;
  channelOptions?: grpc.ChannelOptions;
}

export interface RejoinSuccess {
  address: string;
  nodeId: string;
  welcome: RejoinWelcomeResult;
  failures: JoinAttemptFailure[];
}

const DEFAULT_ATTEMPT_TIMEOUT_MS = 10_000;

/** Throws JoinFailedError listing every attempt when no target takes us back. */
export async function rejoinTargets(targets: RejoinTarget[], options: RejoinOptions): Promise<RejoinSuccess> {
  const failures: JoinAttemptFailure[] = [];
  const recordBytes = encodeNodeRecord(options.record);
  for (const target of targets) {
    try {
      const welcome = await attempt(target, recordBytes, options);
      return { address: target.address, nodeId: target.identity.nodeId, welcome, failures };
    } catch (error) {
      const failure = describeFailure(target.address, error);
      failures.push(failure);
      options.log?.warn({ address: failure.address, nodeId: target.identity.nodeId, code: failure.code, reason: failure.message }, 'rejoin attempt failed');
    }
  }
  throw new JoinFailedError(failures);
}

function attempt(target: RejoinTarget, recordBytes: Buffer, options: RejoinOptions): Promise<RejoinWelcomeResult> {
  const deadline = Date.now() + (options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS);
  const handshake = new RejoinClientHandshake({ cluster: options.cluster, recordBytes, sign: options.sign, serverNodeId: target.identity.nodeId });
  const client = registerClient(target.address, verifiedCredentials(target.identity), {
    'grpc.ssl_target_name_override': target.identity.nodeId,
    'grpc.default_authority': target.identity.nodeId,
    ...options.channelOptions,
  });
  return driveHandshake(client.Rejoin({ deadline }), handshake, { endedWithoutWelcome: 'the node ended the rejoin without a welcome' }).finally(() => client.close());
}
