/**
 * The server's configuration text (ZEO's runzeo configuration): one
 * `<zeo>` section and one or more named storage sections, parsed with the
 * configuration module's parser and storage sections.
 *
 * ```
 * <zeo>
 *   address 127.0.0.1:8100 /run/zodb/zodb.sock   # host:port or socket paths, space-separated
 *   read-only false
 *   invalidation-queue-size 10000
 *   transaction-timeout 30s
 *   shutdown-timeout 10s
 *   max-frame-size 64MB
 *   tls-certificate /etc/zodb/cert.pem
 *   tls-key /etc/zodb/key.pem
 *   authentication-token-file /etc/zodb/token
 *   password-file /etc/zodb/users
 * </zeo>
 * <filestorage 1>
 *   path /var/db/Data.fs
 * </filestorage>
 * ```
 *
 * @module
 */

import { readFileSync } from 'node:fs';
import { ConfigError } from '../config/config-error.js';
import { parseConfigText } from '../config/config-parser.js';
import type { ConfigSection } from '../config/config-tree.js';
import { describeSection } from '../config/config-tree.js';
import { expectNoSections, readKeys } from '../config/section-schema.js';
import { buildStorage, isStorageSection } from '../config/storage-sections.js';
import type { StorageFactory } from '../config/storage-factory.js';
import type { Storage } from '../storage/interfaces.js';
import { readPasswordFile } from './authentication.js';
import type { ListenAddress } from './listen-address.js';
import { parseListenAddress } from './listen-address.js';
import type { StorageServerOptions } from './storage-server.js';

/** The keys of `<zeo>` (besides `address`, a space-separated list). */
export const ZEO_KEYS = {
  'read-only': { kind: 'boolean' },
  'invalidation-queue-size': { kind: 'integer' },
  'transaction-timeout': { kind: 'time-interval' },
  'shutdown-timeout': { kind: 'time-interval' },
  'max-frame-size': { kind: 'byte-size' },
  'tls-certificate': { kind: 'path' },
  'tls-key': { kind: 'path' },
  'authentication-token': { kind: 'string' },
  'authentication-token-file': { kind: 'path' },
  'password-file': { kind: 'path' },
} as const;

/** A parsed server configuration, nothing opened yet. */
export interface ServerConfiguration {
  readonly listen: readonly string[];
  readonly readOnly: boolean;
  readonly invalidationQueueSize: number | undefined;
  readonly transactionTimeoutMs: number | undefined;
  readonly shutdownTimeoutMs: number | undefined;
  readonly maxFrameBytes: number | undefined;
  readonly tlsCertificate: string | undefined;
  readonly tlsKey: string | undefined;
  readonly token: string | undefined;
  readonly tokenFile: string | undefined;
  readonly passwordFile: string | undefined;
  /** The storages by name, in the order written. */
  readonly storages: readonly { readonly name: string; readonly factory: StorageFactory }[];
}

function readZeoSection(section: ConfigSection | undefined) {
  if (section === undefined) return { addresses: [] as string[], values: undefined };
  expectNoSections(section);
  const addresses = section.keys
    .filter((k) => k.key === 'address')
    .flatMap((k) => k.value.split(/\s+/).filter((a) => a !== ''));
  const values = readKeys(
    { ...section, keys: section.keys.filter((k) => k.key !== 'address') },
    ZEO_KEYS,
  );
  if (values['tls-certificate'] !== undefined && values['tls-key'] === undefined) {
    throw new ConfigError(
      section.at,
      `${describeSection(section)} has tls-certificate without tls-key`,
    );
  }
  return { addresses, values };
}

/**
 * Parses a server configuration text.
 *
 * @throws ConfigError for unknown sections or keys, values of the wrong
 *   form, two `<zeo>` sections, no storage, or unnamed storages among several.
 */
export function parseServerConfiguration(text: string, source = '<string>'): ServerConfiguration {
  const top = parseConfigText(text, { source });
  let zeo: ConfigSection | undefined;
  const sections: ConfigSection[] = [];
  for (const section of top.sections) {
    if (section.type === 'zeo') {
      if (zeo !== undefined) throw new ConfigError(section.at, 'a second <zeo> section');
      zeo = section;
    } else if (isStorageSection(section)) sections.push(section);
    else
      throw new ConfigError(
        section.at,
        `unknown section ${describeSection(section)}; expected <zeo> or a storage section`,
      );
  }
  if (sections.length === 0)
    throw new ConfigError(top.at, 'a server configuration needs at least one storage section');
  const storages = sections.map((section) => {
    if (section.name === undefined && sections.length > 1) {
      throw new ConfigError(
        section.at,
        `with several storages each needs a name: <${section.type} NAME>`,
      );
    }
    return { name: section.name ?? '1', factory: buildStorage(section) };
  });
  const { addresses, values } = readZeoSection(zeo);
  return {
    listen: addresses,
    readOnly: values?.['read-only'] ?? false,
    invalidationQueueSize: values?.['invalidation-queue-size'],
    transactionTimeoutMs: seconds(values?.['transaction-timeout']),
    shutdownTimeoutMs: seconds(values?.['shutdown-timeout']),
    maxFrameBytes: values?.['max-frame-size'],
    tlsCertificate: values?.['tls-certificate'],
    tlsKey: values?.['tls-key'],
    token: values?.['authentication-token'],
    tokenFile: values?.['authentication-token-file'],
    passwordFile: values?.['password-file'],
    storages,
  };
}

function seconds(value: number | undefined): number | undefined {
  return value === undefined ? undefined : value * 1000;
}

/** Overrides of {@link serverOptionsFromConfiguration} (the CLI's flags). */
export interface ServerConfigurationOverrides {
  /** Addresses replacing the configured ones when non-empty. */
  readonly listen?: readonly string[] | undefined;
  readonly readOnly?: boolean | undefined;
}

/**
 * Opens the storages of `config` and reads its files (TLS material, token,
 * passwords) into options for `StorageServer.start` (whose `listen` is
 * empty when neither the configuration nor `overrides` name an address).
 * Storages opened before a failure are closed again.
 */
export async function serverOptionsFromConfiguration(
  config: ServerConfiguration,
  overrides: ServerConfigurationOverrides = {},
): Promise<StorageServerOptions> {
  const tls =
    config.tlsCertificate === undefined || config.tlsKey === undefined
      ? undefined
      : { cert: readFileSync(config.tlsCertificate), key: readFileSync(config.tlsKey) };
  const addresses =
    overrides.listen !== undefined && overrides.listen.length > 0
      ? overrides.listen
      : config.listen;
  const listen: ListenAddress[] = addresses.map((text) => ({ ...parseListenAddress(text), tls }));
  const token =
    config.token ??
    (config.tokenFile === undefined ? undefined : readFileSync(config.tokenFile, 'utf8').trim());
  const passwords =
    config.passwordFile === undefined ? undefined : readPasswordFile(config.passwordFile);
  const readOnly = overrides.readOnly === true || config.readOnly;
  const storages = new Map<string, Storage>();
  try {
    for (const { name, factory } of config.storages)
      storages.set(name, await factory.open(readOnly ? { readOnly } : {}));
  } catch (error) {
    for (const storage of storages.values()) await storage.close();
    throw error;
  }
  return {
    storages,
    listen,
    authentication: { token, passwords },
    readOnly,
    invalidationQueueSize: config.invalidationQueueSize,
    transactionTimeoutMs: config.transactionTimeoutMs,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    maxFrameBytes: config.maxFrameBytes,
  };
}
