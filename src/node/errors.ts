import { G2gError } from '../errors';

/** The register port refused a newcomer after its token checked out (record, tombstone). */
export class AdmissionRefusedError extends G2gError {
  readonly code = 'ERR_ADMISSION_REFUSED';
}

/** Joining failed: no way in answered, or the network could not reach our gossip port. */
export class JoinConnectBackError extends G2gError {
  readonly code = 'ERR_JOIN_FAILED';
}

/** The data dir setting names something that is not a directory (a file, a broken path). */
export class DataDirNotADirectoryError extends G2gError {
  readonly code = 'ERR_DATA_DIR_NOT_A_DIRECTORY';
}

/** A port the node must listen on is taken (by another node or program). */
export class PortInUseError extends G2gError {
  readonly code = 'ERR_PORT_IN_USE';
}
