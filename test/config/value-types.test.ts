import { describe, expect, it } from 'vitest';
import {
  parseBoolean,
  parseByteSize,
  parseInteger,
  parseTimeInterval,
} from '../../src/config/index.js';

describe('configuration value types', () => {
  it.each([
    ['0', 0],
    ['500000', 500_000],
    ['100KB', 100 * 1024],
    ['100MB', 100 * 1024 ** 2],
    ['100mb', 100 * 1024 ** 2],
    ['2 GB', 2 * 1024 ** 3],
    ['1TB', 1024 ** 4],
    ['16MiB', 16 * 1024 ** 2],
  ])('reads the byte size %s as %i bytes', (text, bytes) => {
    expect(parseByteSize(text)).toEqual({ ok: true, value: bytes });
  });

  it.each(['', '100XB', '-1', '1.5GB', 'MB', '99999999999TB'])(
    'refuses the byte size %j',
    (text) => {
      expect(parseByteSize(text)).toMatchObject({
        ok: false,
        expected: expect.stringContaining('100MB'),
      });
    },
  );

  it.each([
    ['30', 30],
    ['30s', 30],
    ['5m', 300],
    ['2h', 7200],
    ['1d', 86_400],
    ['1w', 604_800],
    ['5M', 300],
  ])('reads the time interval %s as %i seconds', (text, seconds) => {
    expect(parseTimeInterval(text)).toEqual({ ok: true, value: seconds });
  });

  it.each(['', '5x', '5 min', '-5m', '1.5h'])('refuses the time interval %j', (text) => {
    expect(parseTimeInterval(text).ok).toBe(false);
  });

  it('reads booleans in any of the usual spellings and refuses others', () => {
    for (const word of ['true', 'YES', 'on', '1'])
      expect(parseBoolean(word)).toEqual({ ok: true, value: true });
    for (const word of ['false', 'No', 'OFF', '0'])
      expect(parseBoolean(word)).toEqual({ ok: true, value: false });
    expect(parseBoolean('maybe').ok).toBe(false);
  });

  it('reads non-negative integers only', () => {
    expect(parseInteger('5000')).toEqual({ ok: true, value: 5000 });
    for (const text of ['-1', '1e3', '5,000', '', '12abc'])
      expect(parseInteger(text).ok).toBe(false);
  });
});
