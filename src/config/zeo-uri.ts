/**
 * The `zeo:` URI scheme (zodburi's): a client storage of a storage server.
 *
 * - `zeo://host:port?storage=1&cache_size=20MB&...`
 * - `zeo:///path/to/server.sock?...` (a Unix socket)
 *
 * Parameters: `storage`, `cache_size`, `cache_file`, `client` + `var`
 * (persistent cache file `<var>/<client>-<storage>.zec`), `read_only`,
 * `read_only_fallback`, `wait_timeout`, `blob_dir`, `shared_blob_dir`,
 * `token`, `user`, `password`, `tls`, `tls_ca`, `tls_server_name`,
 * `tls_verify`, `neighbours`, and the database parameters of every URI.
 *
 * @module
 */

import * as path from 'node:path';
import { parseAddress } from '../client/client-options.js';
import { ConfigError } from './config-error.js';
import { readParameters } from './uri-parameters.js';
import type { ResolvedURI } from './uri.js';
import { zeoClientFactory } from './zeo-client-section.js';

const ZEO_PARAMETERS = {
  storage: 'string',
  cache_size: 'byte-size',
  cache_file: 'path',
  client: 'string',
  var: 'path',
  read_only: 'boolean',
  read_only_fallback: 'boolean',
  wait_timeout: 'time-interval',
  blob_dir: 'path',
  shared_blob_dir: 'boolean',
  token: 'string',
  user: 'string',
  password: 'string',
  tls: 'boolean',
  tls_ca: 'path',
  tls_server_name: 'string',
  tls_verify: 'boolean',
  neighbours: 'integer',
} as const;

/** The server address of a `zeo:` URI: `host:port`, or the socket path of `zeo:///path`. */
function addressOf(uri: string): string {
  const at = { source: uri, line: 1, column: 1 };
  const rest = uri.slice('zeo://'.length).split(/[?#]/, 1)[0] ?? '';
  if (!uri.toLowerCase().startsWith('zeo://') || rest === '') {
    throw new ConfigError(
      at,
      `"${uri}" names no server; expected zeo://host:port or zeo:///path/to.sock`,
    );
  }
  const address = rest.startsWith('/') ? decodeURIComponent(rest) : rest;
  try {
    parseAddress(address);
  } catch (error) {
    throw new ConfigError(
      { source: uri, line: 1, column: 7 },
      error instanceof Error ? error.message : String(error),
    );
  }
  return address;
}

/** Resolves a `zeo:` URI (does not connect). */
export async function resolveZeoURI(uri: string): Promise<ResolvedURI> {
  const address = addressOf(uri);
  const { storage: p, database } = readParameters(uri, ZEO_PARAMETERS);
  const storage = p.storage ?? '1';
  const blobDir = p.blob_dir === undefined ? undefined : path.resolve(p.blob_dir);
  if (p.shared_blob_dir === true && blobDir === undefined) {
    throw new ConfigError({ source: uri, line: 1, column: 1 }, 'shared_blob_dir needs blob_dir');
  }
  const cacheFile =
    p.cache_file !== undefined
      ? path.resolve(p.cache_file)
      : p.client === undefined
        ? undefined
        : path.resolve(p.var ?? '.', `${p.client}-${storage}.zec`);
  const useTls =
    p.tls === true ||
    p.tls_ca !== undefined ||
    p.tls_server_name !== undefined ||
    p.tls_verify !== undefined;
  const factory = zeoClientFactory(
    {
      address,
      storage,
      cacheSize: p.cache_size,
      cacheFile,
      readOnly: p.read_only,
      readOnlyFallback: p.read_only_fallback,
      waitTimeout: p.wait_timeout,
      ...(p.shared_blob_dir === true ? { sharedBlobDir: blobDir } : { blobDir }),
      token: p.token,
      user: p.user,
      password: p.password,
      tls: useTls
        ? {
            ...(p.tls_ca === undefined ? {} : { caFile: path.resolve(p.tls_ca) }),
            rejectUnauthorized: p.tls_verify ?? true,
            servername: p.tls_server_name,
          }
        : undefined,
      neighbours: p.neighbours,
    },
    'zeo',
  );
  return { storage: factory, databaseOptions: database };
}
