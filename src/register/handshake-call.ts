import type * as grpc from '@grpc/grpc-js';
import { G2gError } from '../errors';
import type { Logger } from '../log/logger';
import { parsePeerAddress } from '../transport/peer-address';
import { toServiceError } from '../transport/status-mapping';
import type { Clock, TimerHandle } from '../util/clock';
import { JoinMalformedError, JoinTimeoutError } from './errors';
import { isAuthenticationFailure } from './join-failures';
import { MALFORMED, type MaybeMalformed } from '../transport/malformed-request';

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

/** One step of a server-side handshake: a reply to write, or the caller proven (nothing more to read). */
export type HandshakeStep<Out, Proven> = { kind: 'reply'; message: Out } | { kind: 'proven'; caller: Proven };

/** The server side of a handshake (join-handshake.ts, rejoin-handshake.ts): pure, no timers or I/O. */
export interface ServerHandshakeSteps<In, Out, Proven> {
  /** The step it waits for (e.g. 'hello'). */
  readonly awaiting: string;
  receive(message: In): HandshakeStep<Out, Proven>;
}

/** What one register-port handshake (Join or Rejoin) adds to the shared stream handling. */
export interface HandshakeCallSpec<In, Out, Proven> {
  /** Names the refusal's log line (`join refused`). */
  name: string;
  /** The handshake for this call (throw to refuse the call). */
  start(): ServerHandshakeSteps<In, Out, Proven>;
  /** The refusal for a step that did not come within the step timeout, by the step awaited. */
  stalled(awaiting: string): G2gError;
  /** The refusal for a stream the caller closed before it was proven. */
  closedEarly(awaiting: string): G2gError;
  /** Whether the caller cancelling while `awaiting` counts as a failed proof (a guesser's pattern). */
  cancelIsFailure(awaiting: string): boolean;
  /** Fields a message the handshake replied to adds to the refusal's log line (e.g. a token id). */
  noted?(message: In): Record<string, string | undefined>;
  /**
   * Admits the proven caller (no step timer: the caller's deadline bounds it, and `signal` is
   * aborted when the caller goes away or the node stops). Throws to refuse; `fields` is for the
   * refusal's log line. Returns the welcome, and the line to log once it is sent.
   */
  admit(caller: Proven, context: AdmitContext): Promise<{ welcome: Out; log: { fields: Record<string, unknown>; message: string } }>;
}

export interface AdmitContext {
  /** The caller's IP as this node saw it. */
  observedAddress: string;
  signal: AbortSignal;
  fields: Record<string, unknown>;
}

export interface HandshakeEnvironment {
  gate: HandshakeGate;
  clock: Clock;
  log: Logger;
  /** Time the caller has for each step of the handshake; admission itself is not counted. */
  stepTimeoutMs: number;
  /** Time the caller has for its first message (default: stepTimeoutMs). */
  helloTimeoutMs?: number;
  /** Told once per handshake that ends admitted or refused (the node's events and metrics). */
  onOutcome?: (outcome: HandshakeOutcome) => void;
}

/** How one handshake ended: admitted, or refused with its error code. */
export interface HandshakeOutcome {
  handshake: string;
  admitted: boolean;
  /** The refusal's code (`ERR_…`); undefined when admitted. */
  code?: string;
  peer: string;
  /** The newcomer's node id when the handshake named it. */
  nodeId?: string;
}

/** Refusals a scanner or a flaky network can cause at will: logged at debug, the others at info. */
const NOISE = new Set(['ERR_JOIN_MALFORMED', 'ERR_JOIN_TIMEOUT', 'ERR_JOIN_THROTTLED', 'ERR_JOIN_BUSY']);

/**
 * Serves one handshake stream: the gate (throttle, concurrency bound, shutdown), a timer per step,
 * undecodable messages, replies, admission once the caller is proven, and every way the stream
 * can end early — a refusal is logged once and sent as the status its code maps to.
 */
export function serveHandshake<In, Out, Proven>(
  call: grpc.ServerDuplexStream<In, Out>,
  spec: HandshakeCallSpec<In, Out, Proven>,
  env: HandshakeEnvironment,
): void {
  const { gate, clock, log, stepTimeoutMs } = env;
  const helloTimeoutMs = env.helloTimeoutMs ?? stepTimeoutMs;
  const observedAddress = parsePeerAddress(call.getPeer()).address;
  const abort = new AbortController();
  const fields: Record<string, unknown> = {};
  let finished = false;
  let proven = false;
  let timer: TimerHandle | undefined;
  let handshake: ServerHandshakeSteps<In, Out, Proven> | undefined;

  const finish = (): boolean => {
    if (finished) return false;
    finished = true;
    timer?.cancel();
    gate.leave(abortHandshake);
    abort.abort();
    return true;
  };
  /** `failedAttempt`: counts for the throttle whatever the code (a stalled step). */
  const fail = (error: unknown, failedAttempt = false): void => {
    if (!finish()) return;
    const code = error instanceof G2gError ? error.code : 'ERR_INTERNAL';
    if (failedAttempt || isAuthenticationFailure(code)) gate.recordFailure(observedAddress);
    const reason = error instanceof G2gError ? error.message : undefined;
    log[NOISE.has(code) ? 'debug' : 'info']({ peer: observedAddress, ...fields, code, reason }, `${spec.name} refused`);
    env.onOutcome?.({ handshake: spec.name, admitted: false, code, peer: observedAddress, ...nodeIdOf(fields) });
    call.emit('error', toServiceError(error, log, spec.name));
  };
  const abortHandshake = () => fail(new JoinTimeoutError('the node is shutting down'));
  // A stalled step is what an idle-stream flood looks like: it counts as a failed attempt, so a
  // source that keeps streams open without speaking is throttled like one that guesses.
  const armTimer = (ms: number) => {
    timer?.cancel();
    timer = clock.setTimeout(() => fail(spec.stalled(handshake?.awaiting ?? 'hello'), true), ms);
  };
  const admit = async (caller: Proven) => {
    const { welcome, log: admitted } = await spec.admit(caller, { observedAddress, signal: abort.signal, fields });
    if (finished) return;
    call.write(welcome);
    finish();
    log.info({ peer: observedAddress, ...admitted.fields }, admitted.message);
    env.onOutcome?.({ handshake: spec.name, admitted: true, peer: observedAddress, ...nodeIdOf({ ...fields, ...admitted.fields }) });
    call.end();
  };

  const refusal = gate.enter(observedAddress, abortHandshake);
  if (refusal) return fail(refusal);
  try {
    handshake = spec.start();
  } catch (error) {
    return fail(error);
  }
  armTimer(helloTimeoutMs);

  call.on('data', (message: In & MaybeMalformed) => {
    if (finished) return;
    if (message[MALFORMED] !== undefined) return fail(new JoinMalformedError(`undecodable ${spec.name} message (${message[MALFORMED]})`));
    let step: HandshakeStep<Out, Proven>;
    try {
      step = handshake!.receive(message);
    } catch (error) {
      return fail(error);
    }
    if (step.kind === 'reply') {
      Object.assign(fields, spec.noted?.(message));
      armTimer(stepTimeoutMs);
      call.write(step.message);
      return;
    }
    proven = true;
    timer?.cancel();
    admit(step.caller).catch(fail);
  });
  call.on('end', () => {
    if (finished || proven) return;
    fail(spec.closedEarly(handshake!.awaiting));
  });
  call.on('cancelled', () => {
    if (finished) return;
    if (spec.cancelIsFailure(handshake!.awaiting)) gate.recordFailure(observedAddress);
    finish();
  });
}

function nodeIdOf(fields: Record<string, unknown>): { nodeId?: string } {
  return typeof fields.nodeId === 'string' ? { nodeId: fields.nodeId } : {};
}
