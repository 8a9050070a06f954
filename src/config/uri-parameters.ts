/**
 * Query parameters of storage URIs (`?create=true&quota=1GB`): checked
 * against a table of accepted names and value kinds, with errors that
 * point at the parameter inside the URI.
 *
 * @module
 */

import type { DBOptions } from '../connection/db.js';
import { ConfigError } from './config-error.js';
import { didYouMean } from './closest-name.js';
import type { ValueKind, ValueOfKind } from './value-types.js';
import { parseValue } from './value-types.js';

/** Accepted query parameters: name -> value kind. */
export type ParameterSchema = Readonly<Record<string, ValueKind>>;

/** The parameters read with a schema; absent ones are `undefined`. */
export type ParameterValues<S extends ParameterSchema> = {
  -readonly [K in keyof S]: ValueOfKind[S[K]] | undefined;
};

/** The database parameters every URI accepts (zodburi's names) and the `DB` options they set. */
export const DATABASE_PARAMETERS = {
  database_name: 'string',
  connection_cache_size: 'integer',
  connection_cache_size_bytes: 'byte-size',
  connection_pool_size: 'integer',
  connection_pool_timeout: 'time-interval',
  connection_historical_pool_size: 'integer',
  connection_historical_cache_size: 'integer',
  connection_historical_cache_size_bytes: 'byte-size',
  connection_historical_timeout: 'time-interval',
  large_record_size: 'byte-size',
} as const satisfies ParameterSchema;

/**
 * Reads the query of `uri` (after the `?` at `queryStart`, by default its
 * first `?`) with `storageSchema` plus the database parameters; returns
 * both sets of values.
 *
 * @throws ConfigError at the parameter for an unknown name, a repeated one or a bad value.
 */
export function readParameters<S extends ParameterSchema>(
  uri: string,
  storageSchema: S,
  queryStart = uri.indexOf('?'),
): { storage: ParameterValues<S>; database: DBOptions } {
  const schema: ParameterSchema = { ...storageSchema, ...DATABASE_PARAMETERS };
  const values: Record<string, unknown> = {};
  for (const { name, text, column } of queryParameters(uri, queryStart)) {
    const at = { source: uri, line: 1, column };
    const kind = schema[name];
    if (kind === undefined) {
      throw new ConfigError(
        at,
        `unknown parameter "${name}"${didYouMean(name, Object.keys(schema))}; expected one of: ${Object.keys(schema).join(', ')}`,
      );
    }
    if (name in values) throw new ConfigError(at, `parameter "${name}" is given twice`);
    const parsed = parseValue(kind, text);
    if (!parsed.ok) {
      throw new ConfigError(at, `parameter "${name}" needs ${parsed.expected}, got "${text}"`);
    }
    values[name] = parsed.value;
  }
  return { storage: values as ParameterValues<S>, database: databaseOptions(values) };
}

/** The `name=value` pairs after the `?` at `query` in `uri`, decoded, with the 1-based column of each name. */
function* queryParameters(
  uri: string,
  query: number,
): Generator<{ name: string; text: string; column: number }> {
  if (query < 0) return;
  let offset = query + 1;
  for (const part of uri.slice(query + 1).split('&')) {
    if (part !== '') {
      const equals = part.indexOf('=');
      const rawName = equals < 0 ? part : part.slice(0, equals);
      const rawValue = equals < 0 ? '' : part.slice(equals + 1);
      yield {
        name: decode(rawName, uri, offset),
        text: decode(rawValue, uri, offset),
        column: offset + 1,
      };
    }
    offset += part.length + 1;
  }
}

function decode(text: string, uri: string, offset: number): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch (error) {
    throw new ConfigError(
      { source: uri, line: 1, column: offset + 1 },
      `malformed %-escape in "${text}"`,
      {
        cause: error,
      },
    );
  }
}

function databaseOptions(values: Record<string, unknown>): DBOptions {
  const v = values as ParameterValues<typeof DATABASE_PARAMETERS>;
  const options: DBOptions = {
    databaseName: v.database_name,
    cacheSize: v.connection_cache_size,
    cacheSizeBytes: v.connection_cache_size_bytes,
    poolSize: v.connection_pool_size,
    poolTimeout: v.connection_pool_timeout,
    historicalPoolSize: v.connection_historical_pool_size,
    historicalCacheSize: v.connection_historical_cache_size,
    historicalCacheSizeBytes: v.connection_historical_cache_size_bytes,
    historicalTimeout: v.connection_historical_timeout,
    largeRecordSize: v.large_record_size,
  };
  for (const key of Object.keys(options) as (keyof DBOptions)[]) {
    if (options[key] === undefined) delete options[key];
  }
  return options;
}
