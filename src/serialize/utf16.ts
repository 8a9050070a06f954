/**
 * Strings that UTF-8 cannot carry: JavaScript strings may hold unpaired
 * surrogates, which UTF-8 encoders replace with U+FFFD. Such strings are
 * stored as UTF-16LE code units instead, so every string round-trips.
 *
 * @module
 */

type WellFormedCheck = (text: string) => boolean;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const nativeCheck = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;

/** Whether `text` is well-formed UTF-16 (no unpaired surrogates), so UTF-8 carries it exactly. */
export const isWellFormedString: WellFormedCheck =
  nativeCheck === undefined
    ? (text) => !LONE_SURROGATE.test(text)
    : (text) => nativeCheck.call(text);

/** The UTF-16LE code units of `text`. */
export function utf16Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    out[2 * i] = unit & 0xff;
    out[2 * i + 1] = unit >>> 8;
  }
  return out;
}

/** The string whose UTF-16LE code units are `bytes`, or undefined for an odd length. */
export function stringFromUtf16(bytes: Uint8Array): string | undefined {
  if (bytes.byteLength % 2 !== 0) return undefined;
  let text = '';
  for (let i = 0; i < bytes.byteLength; i += 2) {
    text += String.fromCharCode(bytes[i]! | (bytes[i + 1]! << 8));
  }
  return text;
}
