import { G2gError } from '../errors';

/** The node could not join the network as it started: no way in answered, or the node that welcomed it could not reach its gossip port. */
export class StartUpJoinError extends G2gError {
  readonly code = 'ERR_START_UP_JOIN';
}

/** The data dir setting names something that is not a directory (a file, a broken path). */
export class DataDirNotADirectoryError extends G2gError {
  readonly code = 'ERR_DATA_DIR_NOT_A_DIRECTORY';
}

/** A port the node must listen on is taken (by another node or program). */
export class PortInUseError extends G2gError {
  readonly code = 'ERR_PORT_IN_USE';
}
