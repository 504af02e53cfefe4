/**
 * Compares two strings in time that depends only on their lengths, never on where they differ.
 * Meant for digests in their text form (hex, base64), whose length is public: comparing the
 * text avoids decoding the header into a buffer on every request, which measured cheaper than
 * `Buffer.from(hex) + crypto.timingSafeEqual` for one HMAC.
 *
 * Different lengths return false at once (the length of a well-formed digest is no secret).
 *
 * @example
 * ```ts
 * constantTimeEqual(expectedHex, givenHex); // true only when every character matches
 * ```
 */
export function constantTimeEqual(expected: string, given: string): boolean {
  if (expected.length !== given.length) return false;
  let difference = 0;
  // No early exit: every character is visited and folded into one accumulator.
  for (let index = 0; index < expected.length; index++) {
    difference |= expected.charCodeAt(index) ^ given.charCodeAt(index);
  }
  return difference === 0;
}
