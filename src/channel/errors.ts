import { status as GrpcStatus } from '@grpc/grpc-js';
import { G2gError } from '../errors';

/** A message's topic and data together exceed `maxMessageBytes`. */
export class ChannelMessageTooLargeError extends G2gError {
  readonly code = 'ERR_CHANNEL_MESSAGE_TOO_LARGE';
}

/** A topic is empty, too long, or has an empty segment or a whitespace/control character. */
export class ChannelTopicError extends G2gError {
  readonly code = 'ERR_CHANNEL_TOPIC';
}

/** Only server-mode members publish and relay; a client-mode member tried to publish. */
export class ChannelNotServerError extends G2gError {
  readonly code = 'ERR_CHANNEL_NOT_SERVER';
}

/** The channel is stopped (or the node is not running it), so it publishes and serves nothing. */
export class ChannelStateError extends G2gError {
  readonly code = 'ERR_CHANNEL_STATE';
}

/** A peer refused a call: the caller is not a member it knows, or a client-mode member pushing. */
export class ChannelSenderRefusedError extends G2gError {
  readonly code = 'ERR_CHANNEL_SENDER_REFUSED';
  override readonly status = GrpcStatus.PERMISSION_DENIED;
}
