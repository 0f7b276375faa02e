import { G2gError } from '../errors';

/** The register port refused a newcomer after its token checked out (record, tombstone). */
export class AdmissionRefusedError extends G2gError {
  readonly code = 'ERR_ADMISSION_REFUSED';
}

/** Joining failed: no way in answered, or the network could not reach our gossip port. */
export class JoinConnectBackError extends G2gError {
  readonly code = 'ERR_JOIN_FAILED';
}
