/**
 * RFC 4648 §6 base32 in lowercase, without padding: the alphabet of node ids and token strings.
 * Lowercase a-z and 2-7 only, so a value is a valid DNS label, survives case-insensitive
 * handling and has no `-`/`_`/`+`/`/` to trip shells or URL parsers.
 *
 * Written here rather than taken from `rfc4648` (a well-kept package): that one prints uppercase
 * with padding, and two of our three uses are not encodings at all but random strings over the
 * alphabet, one character per 5-bit draw; the encoder is fifteen lines with test vectors.
 */
export const BASE32_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** RFC 4648 base32 of `bytes`, lowercase, unpadded (20 bytes → 32 characters). */
export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/**
 * One base32 character per value, from its low 5 bits: a string of uniformly random characters
 * when each value is a uniform draw (a random byte, or an integer below 32).
 */
export function base32Digits(values: Iterable<number>): string {
  let out = '';
  for (const value of values) out += BASE32_ALPHABET[value & 31];
  return out;
}
