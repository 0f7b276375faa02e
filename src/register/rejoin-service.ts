import { G2gError } from '../errors';
import type { Logger } from '../log/logger';
import type { NodeRecord, NodeRecord__Output } from '../proto/generated/g2g/v1/NodeRecord';
import type { RegisterHandlers } from '../proto/generated/g2g/v1/Register';
import type { RejoinMessage__Output } from '../proto/generated/g2g/v1/RejoinMessage';
import type { TokenMode } from '../tokens/token-entry';
import { parsePeerAddress } from '../transport/peer-address';
import { toServiceError } from '../transport/status-mapping';
import type { Clock, TimerHandle } from '../util/clock';
import { JoinMalformedError, JoinTimeoutError, PossessionProofError } from './errors';
import { isAuthenticationFailure, joinStatusFor } from './join-status';
import { MALFORMED, type MaybeMalformed } from './malformed-message';
import { RejoinServerHandshake, type ProvenMember } from './rejoin-handshake';

/** A member that proved itself on Register.Rejoin: the node decides whether to take its record. */
export interface ReadmitRequest {
  record: NodeRecord__Output;
  mode: TokenMode;
  /** The member's IP as this node saw it. */
  observedAddress: string;
  signal: AbortSignal;
}

export type ReadmitOutcome = { peers: NodeRecord[] } | { refused: G2gError };

export interface RejoinComponents {
  nodeId: string;
  cluster: string;
  selfRecord(): NodeRecord;
  /** Fallback when the connection's own certificate cannot be read (see presentedLeafFingerprint). */
  currentLeafFingerprint(): string;
  readmit(request: ReadmitRequest): Promise<ReadmitOutcome>;
  clock: Clock;
  log: Logger;
}

/**
 * What Join and Rejoin share on the register port: the per-source throttle of failed proofs, the
 * bound on handshakes in progress, and the shutdown that aborts them.
 */
export interface HandshakeGate {
  /** Why a handshake from `address` may not start now, or undefined (then it is counted until `leave`). */
  enter(address: string, abort: () => void): G2gError | undefined;
  leave(abort: () => void): void;
  recordFailure(address: string): void;
}

/** Register.Rejoin over RejoinServerHandshake (rejoin-handshake.ts): timers, admission, statuses. */
export function rejoinHandler(
  components: RejoinComponents,
  gate: HandshakeGate,
  options: { stepTimeoutMs: number; leafOf: (call: unknown) => string | undefined },
): RegisterHandlers['Rejoin'] {
  const { stepTimeoutMs, leafOf } = options;
  const log = components.log;
  return (call) => {
    const observedAddress = parsePeerAddress(call.getPeer()).address;
    const abort = new AbortController();
    let finished = false;
    let timer: TimerHandle | undefined;
    let nodeId: string | undefined;
    let handshake: RejoinServerHandshake | undefined;

    const finish = (): boolean => {
      if (finished) return false;
      finished = true;
      timer?.cancel();
      gate.leave(abortHandshake);
      abort.abort();
      return true;
    };
    const fail = (error: unknown): void => {
      if (!finish()) return;
      const code = error instanceof G2gError ? error.code : 'ERR_INTERNAL';
      if (isAuthenticationFailure(code)) gate.recordFailure(observedAddress);
      const level = code === 'ERR_JOIN_MALFORMED' || code === 'ERR_JOIN_TIMEOUT' || code === 'ERR_JOIN_THROTTLED' || code === 'ERR_JOIN_BUSY' ? 'debug' : 'info';
      log[level]({ peer: observedAddress, nodeId, code, reason: error instanceof G2gError ? error.message : undefined }, 'rejoin refused');
      call.emit('error', toServiceError(error, log, joinStatusFor(code)));
    };
    const abortHandshake = () => fail(new JoinTimeoutError('the node is shutting down'));
    const armTimer = () => {
      timer?.cancel();
      timer = components.clock.setTimeout(() => {
        fail(handshake?.awaiting === 'proof' ? new PossessionProofError(`no proof within ${stepTimeoutMs} ms`) : new JoinTimeoutError(`no hello within ${stepTimeoutMs} ms`));
      }, stepTimeoutMs);
    };

    const refusal = gate.enter(observedAddress, abortHandshake);
    if (refusal) return fail(refusal);
    try {
      handshake = new RejoinServerHandshake({ cluster: components.cluster, nodeId: components.nodeId, leafFingerprint: leafOf(call) ?? components.currentLeafFingerprint() });
    } catch (error) {
      return fail(error);
    }
    armTimer();

    const readmit = async (member: ProvenMember) => {
      nodeId = member.record.nodeId;
      const outcome = await components.readmit({ record: member.record, mode: member.mode, observedAddress, signal: abort.signal });
      if ('refused' in outcome) throw outcome.refused;
      if (finished) return;
      call.write(handshake!.welcome(components.selfRecord(), outcome.peers));
      finish();
      log.info({ peer: observedAddress, nodeId }, 'member rejoined after a node-CA rotation it proved');
      call.end();
    };

    call.on('data', (message: RejoinMessage__Output & MaybeMalformed) => {
      if (finished) return;
      if (message[MALFORMED] !== undefined) return fail(new JoinMalformedError(`undecodable rejoin message (${message[MALFORMED]})`));
      let step;
      try {
        step = handshake!.receive(message);
      } catch (error) {
        return fail(error);
      }
      if (step.kind === 'reply') {
        armTimer();
        call.write(step.message);
        return;
      }
      timer?.cancel();
      readmit(step.member).catch(fail);
    });
    call.on('end', () => {
      if (finished || handshake?.awaiting === 'proven') return;
      fail(new JoinMalformedError(handshake?.awaiting === 'proof' ? 'the member gave up before its proof' : 'the member closed the stream before sending a hello'));
    });
    call.on('cancelled', () => {
      if (finished) return;
      finish();
    });
  };
}
