import type { ChannelMessage } from './topic-channel';
import { lenField, strLen, varint } from '../membership/message-size';
import { ChannelMessageTooLargeError, ChannelTopicError } from './errors';

/**
 * A channel message as it travels (`g2g.v1.ChannelEnvelope`): what subscribers see plus the
 * origin's signature. (origin, epoch, seq) names it; treat it as immutable (the simulator passes
 * it by reference and caches verifications per object).
 */
export interface SignedMessage {
  readonly origin: string;
  /** The origin's run (a restart starts a higher one); seq restarts at 1 in each. */
  readonly epoch: number;
  readonly seq: number;
  readonly topic: string;
  readonly data: Uint8Array;
  readonly publishedAtMs: number;
  readonly signature: Uint8Array;
}

export type UnsignedMessage = Omit<SignedMessage, 'signature'>;

/** Longest topic (UTF-8 bytes). */
export const MAX_TOPIC_BYTES = 256;

const DOMAIN = Buffer.from('g2g.v1.ChannelEnvelope\n', 'utf8');

/**
 * The canonical bytes an origin signs: a domain string (so a channel signature can never pass
 * for a record or heartbeat signature), then origin, epoch, seq, publishedAtMs, topic and data,
 * strings and bytes length-prefixed, numbers 64-bit big-endian. Not protobuf, whose encoding is
 * not canonical across implementations.
 */
export function signingBytes(m: UnsignedMessage): Buffer {
  const origin = Buffer.from(m.origin, 'utf8');
  const topic = Buffer.from(m.topic, 'utf8');
  const out = Buffer.allocUnsafe(DOMAIN.length + 8 + origin.length + 8 + 8 + 8 + 8 + topic.length + 8 + m.data.length);
  let at = DOMAIN.copy(out, 0);
  const u64 = (n: number): void => {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`channel message numbers must be non-negative safe integers, got ${n}`);
    out.writeUInt32BE(Math.floor(n / 2 ** 32), at);
    out.writeUInt32BE(n >>> 0, at + 4);
    at += 8;
  };
  const bytes = (b: Uint8Array): void => {
    u64(b.length);
    out.set(b, at);
    at += b.length;
  };
  bytes(origin);
  u64(m.epoch);
  u64(m.seq);
  u64(m.publishedAtMs);
  bytes(topic);
  bytes(m.data);
  return out;
}

const sizes = new WeakMap<SignedMessage, number>();

/**
 * Protobuf-encoded size of `g2g.v1.ChannelEnvelope` as grpc-js (protobufjs) encodes it: every
 * field is written, zero or empty ones too (a proto3-canonical encoder would write fewer bytes,
 * so budgets computed from this never overshoot). A unit test checks it against the encoder.
 */
export function envelopeSize(m: SignedMessage): number {
  const cached = sizes.get(m);
  if (cached !== undefined) return cached;
  const n =
    lenField(strLen(m.origin)) +
    1 + varint(m.epoch) +
    1 + varint(m.seq) +
    lenField(strLen(m.topic)) +
    lenField(m.data.length) +
    1 + varint(m.publishedAtMs) +
    lenField(m.signature.length);
  sizes.set(m, n);
  return n;
}

/** What counts against `maxMessageBytes`: the topic and the data. */
export function payloadSize(topic: string, data: Uint8Array): number {
  return strLen(topic) + data.length;
}

// Whitespace and control characters (C0, DEL, C1) are refused: topics end up in logs and metrics.
const BAD_TOPIC_CHAR = /[\s\u0000-\u001f\u007f-\u009f]/u;

/** Why `topic` is not a valid full topic, or undefined when it is. */
export function topicProblem(topic: string): string | undefined {
  if (typeof topic !== 'string' || topic.length === 0) return 'a topic must not be empty';
  if (strLen(topic) > MAX_TOPIC_BYTES) return `a topic must be at most ${MAX_TOPIC_BYTES} bytes`;
  if (BAD_TOPIC_CHAR.test(topic)) return `topic "${printable(topic)}" contains whitespace or a control character`;
  if (topic.split('/').some((segment) => segment.length === 0)) return `topic "${topic}" has an empty segment (segments are separated by one '/')`;
  return undefined;
}

/** Throws the coded error for a message this node must not publish. */
export function checkPublishable(topic: string, data: Uint8Array, maxMessageBytes: number): void {
  const problem = topicProblem(topic);
  if (problem) throw new ChannelTopicError(problem);
  if (!(data instanceof Uint8Array)) throw new ChannelTopicError('channel data must be a Uint8Array (or Buffer)');
  const size = payloadSize(topic, data);
  if (size > maxMessageBytes) {
    throw new ChannelMessageTooLargeError(`a channel message of ${size} bytes (topic + data) exceeds the limit of ${maxMessageBytes} bytes (channelMaxMessageBytes)`);
  }
}

/** The shape checks a receiver applies before anything else (signature aside). */
export function wellFormed(m: SignedMessage, maxMessageBytes: number): boolean {
  return (
    typeof m.origin === 'string' &&
    m.origin.length > 0 &&
    m.origin.length <= 128 &&
    Number.isSafeInteger(m.epoch) &&
    m.epoch >= 0 &&
    Number.isSafeInteger(m.seq) &&
    m.seq >= 1 &&
    Number.isSafeInteger(m.publishedAtMs) &&
    m.publishedAtMs >= 0 &&
    m.data instanceof Uint8Array &&
    m.signature instanceof Uint8Array &&
    topicProblem(m.topic) === undefined &&
    payloadSize(m.topic, m.data) <= maxMessageBytes
  );
}

/** The subscriber's view (a private copy of the data, so that a subscriber cannot alter what is relayed). */
export function toChannelMessage(m: SignedMessage): ChannelMessage {
  return { topic: m.topic, data: new Uint8Array(m.data), origin: m.origin, epoch: m.epoch, seq: m.seq, publishedAtMs: m.publishedAtMs };
}

function printable(s: string): string {
  return JSON.stringify(s).slice(1, -1);
}
