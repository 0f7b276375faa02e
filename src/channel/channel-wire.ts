import type { ChannelEnvelope, ChannelEnvelope__Output } from '../proto/generated/g2g/v1/ChannelEnvelope';
import type { ChannelPullRequest, ChannelPullRequest__Output } from '../proto/generated/g2g/v1/ChannelPullRequest';
import type { ChannelPullResponse, ChannelPullResponse__Output } from '../proto/generated/g2g/v1/ChannelPullResponse';
import type { ChannelPushRequest, ChannelPushRequest__Output } from '../proto/generated/g2g/v1/ChannelPushRequest';
import type { SignedMessage } from './message';
import type { PullRequest, PullResponse, PushRequest } from './transport';

/*
 * Field-by-field mapping between g2g.v1.Channel messages (proto-loader objects: camelCase, longs
 * as numbers) and the channel's types. Nothing is checked here: the channel drops what is
 * malformed or does not verify.
 */

export function envelopeToWire(m: SignedMessage): ChannelEnvelope {
  return {
    origin: m.origin,
    epoch: m.epoch,
    seq: m.seq,
    topic: m.topic,
    data: m.data,
    publishedAtUnixMs: m.publishedAtMs,
    signature: m.signature,
  };
}

export function envelopeFromWire(m: ChannelEnvelope__Output): SignedMessage {
  return {
    origin: m.origin,
    epoch: Number(m.epoch),
    seq: Number(m.seq),
    topic: m.topic,
    data: m.data,
    publishedAtMs: Number(m.publishedAtUnixMs),
    signature: m.signature,
  };
}

export function pushRequestToWire(r: PushRequest): ChannelPushRequest {
  return { messages: r.messages.map(envelopeToWire) };
}

export function pushRequestFromWire(r: ChannelPushRequest__Output): PushRequest {
  return { messages: r.messages.map(envelopeFromWire) };
}

export function pullRequestToWire(r: PullRequest): ChannelPullRequest {
  return { origins: r.origins.map((d) => ({ origin: d.origin, epoch: d.epoch, contiguous: d.contiguous, have: [...d.have] })), complete: r.complete };
}

export function pullRequestFromWire(r: ChannelPullRequest__Output): PullRequest {
  return {
    origins: r.origins.map((d) => ({ origin: d.origin, epoch: Number(d.epoch), contiguous: Number(d.contiguous), have: d.have.map(Number) })),
    complete: r.complete,
  };
}

export function pullResponseToWire(r: PullResponse): ChannelPullResponse {
  return { messages: r.messages.map(envelopeToWire), more: r.more };
}

export function pullResponseFromWire(r: ChannelPullResponse__Output): PullResponse {
  return { messages: r.messages.map(envelopeFromWire), more: r.more };
}
