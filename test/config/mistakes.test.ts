/**
 * A corpus of common configuration mistakes: each must be refused with
 * the line and column of the mistake and a message saying what was
 * expected.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfiguration } from '../../src/config/index.js';

const CASES: [title: string, text: string, line: number, column: number, reason: RegExp][] = [
  [
    'a misspelt key, with a suggestion',
    '<zodb>\n  cache-sise 5000\n  <mappingstorage/>\n</zodb>',
    2,
    3,
    /unknown key "cache-sise" in <zodb> \(did you mean "cache-size"\?\); expected one of: cache-size,/,
  ],
  [
    'a unit the byte size does not know',
    '<zodb>\n  cache-size-bytes 100XB\n  <mappingstorage/>\n</zodb>',
    2,
    20,
    /needs a byte size such as .*100MB.*, got "100XB"/,
  ],
  [
    'a unit in an integer key',
    '<zodb>\n  cache-size 100MB\n  <mappingstorage/>\n</zodb>',
    2,
    14,
    /"cache-size" of <zodb> needs a non-negative integer, got "100MB"/,
  ],
  [
    'a time interval with a word unit',
    '<zodb>\n  pool-timeout 5 minutes\n  <mappingstorage/>\n</zodb>',
    2,
    16,
    /needs a time interval such as .*5m/,
  ],
  [
    'a key with no value',
    '<zodb>\n  pool-size\n  <mappingstorage/>\n</zodb>',
    2,
    12,
    /needs a non-negative integer, got nothing/,
  ],
  [
    'a yes/no word that is not one',
    '<filestorage>\n  path /tmp/x.fs\n  read-only maybe\n</filestorage>',
    3,
    13,
    /needs a boolean/,
  ],
  [
    'a database without a storage',
    '<zodb main>\n  cache-size 10\n</zodb>',
    1,
    1,
    /<zodb main> needs a storage section/,
  ],
  [
    'a database with two storages',
    '<zodb>\n<mappingstorage/>\n<mappingstorage/>\n</zodb>',
    3,
    1,
    /holds one storage; found a second/,
  ],
  [
    'a filestorage without a path',
    '<zodb>\n  <filestorage>\n    create true\n  </filestorage>\n</zodb>',
    2,
    3,
    /<filestorage> needs the key "path"/,
  ],
  [
    'a storage key in the database section',
    '<zodb>\n  path /tmp/Data.fs\n  <mappingstorage/>\n</zodb>',
    2,
    3,
    /unknown key "path" in <zodb>/,
  ],
  [
    'a database key in the storage section',
    '<zodb>\n  <filestorage>\n    path /tmp/x.fs\n    cache-size 5\n  </filestorage>\n</zodb>',
    4,
    5,
    /unknown key "cache-size" in <filestorage>/,
  ],
  [
    'a misspelt storage type',
    '<zodb>\n  <filestorge>\n  </filestorge>\n</zodb>',
    2,
    3,
    /unknown storage section type <filestorge> \(did you mean "filestorage"\?\)/,
  ],
  [
    'a misspelt top-level section',
    '<zdb>\n<mappingstorage/>\n</zdb>',
    1,
    1,
    /unknown section <zdb>; expected <zodb> or a storage section/,
  ],
  [
    'a key outside any section',
    'cache-size 5\n<zodb>\n<mappingstorage/>\n</zodb>',
    1,
    1,
    /outside any section/,
  ],
  [
    'a database nested in a database',
    '<zodb>\n  <zodb>\n  </zodb>\n</zodb>',
    2,
    3,
    /a <zodb> section cannot hold a database here/,
  ],
  [
    'a storage inside a mappingstorage',
    '<mappingstorage>\n  <mappingstorage/>\n</mappingstorage>',
    2,
    3,
    /takes no sections/,
  ],
  [
    'a third demostorage storage',
    '<demostorage>\n<mappingstorage/>\n<mappingstorage/>\n<mappingstorage/>\n</demostorage>',
    4,
    1,
    /at most two storages/,
  ],
  [
    'a demostorage storage with another role',
    '<demostorage>\n<mappingstorage backup/>\n</demostorage>',
    2,
    1,
    /named "base" or "changes"/,
  ],
  [
    'two demostorage bases',
    '<demostorage>\n<mappingstorage base/>\n<mappingstorage base/>\n</demostorage>',
    3,
    1,
    /two "base" storages/,
  ],
  [
    'the Python packer option',
    '<filestorage>\n  path /tmp/x.fs\n  packer ZODB.FileStorage.packer\n</filestorage>',
    3,
    3,
    /"packer" of <filestorage>: alternative pack implementations/,
  ],
  [
    'the Python class-factory option',
    '<zodb>\n  class-factory x.y\n  <mappingstorage/>\n</zodb>',
    2,
    3,
    /class factories do not apply/,
  ],
  [
    'an unclosed section',
    '<zodb>\n  <mappingstorage>\n</zodb>',
    3,
    1,
    /expected <\/mappingstorage>/,
  ],
  [
    'an ini-style assignment',
    '<zodb>\n  cache-size=5000\n  <mappingstorage/>\n</zodb>',
    2,
    3,
    /keys are written "key value"/,
  ],
];

describe('common configuration mistakes', () => {
  it.each(CASES)('refuses %s', (_title, text, line, column, reason) => {
    let error: unknown;
    try {
      parseConfiguration(text, { source: 'zodb.conf' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.reason).toMatch(reason);
    expect([configError.line, configError.column]).toEqual([line, column]);
    expect(configError.message.startsWith(`zodb.conf:${line}:${column}: `)).toBe(true);
  });
});
