import { G2gError } from '../errors';

/** A peer asked in a fan-out did not answer within the call's deadline; the pool gave up on it. */
export class PeerDeadlineError extends G2gError {
  readonly code = 'ERR_POOL_PEER_DEADLINE';
}

/**
 * A peer asked in a fan-out was slower than its hedge delay, another peer was asked in its place,
 * and the fan-out completed before the slow one answered (its call was cancelled).
 */
export class PeerSupersededError extends G2gError {
  readonly code = 'ERR_POOL_PEER_SUPERSEDED';
}

/** The fan-out finished without this call (it had enough answers); the call is cancelled. */
export class FanOutDoneError extends G2gError {
  readonly code = 'ERR_POOL_FAN_OUT_DONE';
}
