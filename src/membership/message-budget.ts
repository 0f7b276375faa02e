import { embedded } from './message-size';
import type { MembershipOptions } from './options';

/** Room kept in every message for its own scalar fields and framing, beyond the items counted. */
export const MESSAGE_OVERHEAD_BYTES = 64;

/**
 * Size assumed for one record digest when planning (a 40-odd character id, version, heartbeat,
 * state); rumours sent as digests are counted at this size.
 */
export const DIGEST_ESTIMATE_BYTES = 48;

/**
 * The byte budget of one gossip message (`maxMessageBytes`), spent item by item as the message
 * is built. Items are repeated protobuf fields, so each costs its size plus tag and length.
 * One budget per message: exchange requests, answers, follow-ups and the rumours they carry.
 */
export class MessageBudget {
  private left: number;

  constructor(bytes: number) {
    this.left = bytes;
  }

  /** The budget of a message of at most `maxMessageBytes`, less the sender's own record if it carries one. */
  static forMessage(options: Pick<MembershipOptions, 'maxMessageBytes'>, senderRecordBytes = 0): MessageBudget {
    return new MessageBudget(options.maxMessageBytes - senderRecordBytes - MESSAGE_OVERHEAD_BYTES);
  }

  get remaining(): number {
    return this.left;
  }

  /** Counts an item that goes in whatever its size (it may overdraw the budget). */
  spend(itemBytes: number): void {
    this.left -= embedded(itemBytes);
  }

  /** Counts an item if it fits; false (nothing counted) if it does not. */
  take(itemBytes: number): boolean {
    const size = embedded(itemBytes);
    if (size > this.left) return false;
    this.left -= size;
    return true;
  }

  /** Pushes `item` onto `list` if the list has fewer than `maxItems` and the item fits. */
  add<T>(list: T[], item: T, itemBytes: number, maxItems = Number.POSITIVE_INFINITY): boolean {
    if (list.length >= maxItems || !this.take(itemBytes)) return false;
    list.push(item);
    return true;
  }
}

/** Digests a full sync may carry: the whole table up to half a message of them (at least `maxDigests`). */
export function fullSyncDigests(options: Pick<MembershipOptions, 'maxDigests' | 'maxMessageBytes'>): number {
  return Math.max(options.maxDigests, Math.floor(options.maxMessageBytes / 2 / DIGEST_ESTIMATE_BYTES));
}
