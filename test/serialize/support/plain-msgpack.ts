/**
 * A minimal, independent MessagePack reader standing in for "an
 * off-the-shelf library in another language": it knows the MessagePack
 * specification and nothing of msgpackr or of the record format. Maps come
 * back as arrays of [key, value] pairs and extensions as {@link PlainExt}.
 */

/** An extension value as a generic reader sees it. */
export interface PlainExt {
  ext: number;
  data: Uint8Array;
}

/** A decoded map as a generic reader sees it. */
export interface PlainMap {
  map: [unknown, unknown][];
}

/** Reads one value at `offset`; returns it and the offset after it. Throws on truncation. */
export function readPlain(bytes: Uint8Array, offset: number): { value: unknown; end: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = offset;
  const need = (count: number): number => {
    if (at + count > bytes.length) throw new RangeError(`truncated at ${at}`);
    const start = at;
    at += count;
    return start;
  };
  const text = (length: number): string => {
    const start = need(length);
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start, start + length));
  };
  const ext = (length: number): PlainExt => {
    const type = view.getInt8(need(1));
    const start = need(length);
    return { ext: type, data: bytes.subarray(start, start + length) };
  };
  const list = (length: number): unknown[] => Array.from({ length }, () => read());
  const map = (length: number): PlainMap => ({
    map: Array.from({ length }, () => [read(), read()]),
  });

  function read(): unknown {
    const token = bytes[need(1)]!;
    if (token <= 0x7f) return token;
    if (token >= 0xe0) return token - 0x100;
    if (token >= 0x80 && token <= 0x8f) return map(token & 0x0f);
    if (token >= 0x90 && token <= 0x9f) return list(token & 0x0f);
    if (token >= 0xa0 && token <= 0xbf) return text(token & 0x1f);
    switch (token) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xc4: {
        const n = bytes[need(1)]!;
        const s = need(n);
        return bytes.subarray(s, s + n);
      }
      case 0xc5: {
        const n = view.getUint16(need(2));
        const s = need(n);
        return bytes.subarray(s, s + n);
      }
      case 0xc6: {
        const n = view.getUint32(need(4));
        const s = need(n);
        return bytes.subarray(s, s + n);
      }
      case 0xc7:
        return ext(bytes[need(1)]!);
      case 0xc8:
        return ext(view.getUint16(need(2)));
      case 0xc9:
        return ext(view.getUint32(need(4)));
      case 0xca:
        return view.getFloat32(need(4));
      case 0xcb:
        return view.getFloat64(need(8));
      case 0xcc:
        return bytes[need(1)]!;
      case 0xcd:
        return view.getUint16(need(2));
      case 0xce:
        return view.getUint32(need(4));
      case 0xcf:
        return view.getBigUint64(need(8));
      case 0xd0:
        return view.getInt8(need(1));
      case 0xd1:
        return view.getInt16(need(2));
      case 0xd2:
        return view.getInt32(need(4));
      case 0xd3:
        return view.getBigInt64(need(8));
      case 0xd4:
        return ext(1);
      case 0xd5:
        return ext(2);
      case 0xd6:
        return ext(4);
      case 0xd7:
        return ext(8);
      case 0xd8:
        return ext(16);
      case 0xd9:
        return text(bytes[need(1)]!);
      case 0xda:
        return text(view.getUint16(need(2)));
      case 0xdb:
        return text(view.getUint32(need(4)));
      case 0xdc:
        return list(view.getUint16(need(2)));
      case 0xdd:
        return list(view.getUint32(need(4)));
      case 0xde:
        return map(view.getUint16(need(2)));
      case 0xdf:
        return map(view.getUint32(need(4)));
      default:
        throw new RangeError(`byte 0x${token.toString(16)} at ${at - 1} is not MessagePack`);
    }
  }

  const value = read();
  return { value, end: at };
}

/** Reads every value of `bytes` in sequence. */
export function readAllPlain(bytes: Uint8Array): unknown[] {
  const values: unknown[] = [];
  let at = 0;
  while (at < bytes.length) {
    const { value, end } = readPlain(bytes, at);
    values.push(value);
    at = end;
  }
  return values;
}
