/**
 * The database a command works on: a Data.fs path, a URI (`file:`,
 * `memory:`, `demo:`, `zconfig:` and registered schemes), or `--config
 * FILE` with an optional `--database NAME`.
 *
 * @module
 */

import * as fs from 'node:fs';
import type { Command } from 'commander';
import { readConfiguration } from '../config/configuration.js';
import { fileStorageFactory } from '../config/file-storage-section.js';
import type { StorageFactory } from '../config/storage-factory.js';
import { resolveURI } from '../config/uri.js';
import type { Storage } from '../storage/interfaces.js';
import { UsageError } from './usage-error.js';

/** The target options of a command. */
export interface TargetOptions {
  readonly config?: string;
  readonly database?: string;
}

/** Adds `--config` and `--database` to a command. */
export function withTargetOptions(command: Command): Command {
  return command
    .option('-c, --config <file>', 'take the database from a configuration file')
    .option('-d, --database <name>', 'the <zodb> (or storage) section of the configuration to use');
}

const URI = /^[A-Za-z][A-Za-z0-9+.-]+:/;

/** True when `text` is a URI rather than a path. */
export function isURI(text: string): boolean {
  return URI.test(text);
}

/**
 * The storage a target names.
 *
 * @throws UsageError when neither or both of a target and `--config` are
 *   given, or `--database` names no section; ConfigError for a bad
 *   configuration or URI.
 */
export async function resolveTarget(
  target: string | undefined,
  options: TargetOptions,
): Promise<StorageFactory> {
  if (target !== undefined && options.config !== undefined) {
    throw new UsageError(`give a database (${target}) or --config, not both`);
  }
  if (options.config !== undefined) return fromConfiguration(options.config, options.database);
  if (options.database !== undefined) throw new UsageError('--database only applies with --config');
  if (target === undefined) {
    throw new UsageError(
      'no database given: pass a Data.fs path, a URI (file:, memory:, demo:, zconfig:) or --config FILE',
    );
  }
  if (isURI(target)) return (await resolveURI(target)).storage;
  return fileStorageFactory(target, {});
}

async function fromConfiguration(file: string, name: string | undefined): Promise<StorageFactory> {
  const configuration = await readConfiguration(file);
  const database = configuration.databases.find(
    (d) => name === undefined || d.name === name || d.section.name === name,
  );
  if (database !== undefined) return database.storage;
  const storage = configuration.storages.find((s) => name === undefined || s.name === name);
  if (storage !== undefined) return storage.storage;
  const names = [
    ...configuration.databases.map((d) => d.name),
    ...configuration.storages.flatMap((s) => s.name ?? []),
  ];
  throw new UsageError(
    name === undefined
      ? `${file} holds no <zodb> or storage section`
      : `${file} has no section named "${name}"; it has ${names.map((n) => `"${n}"`).join(', ') || 'no named sections'}`,
  );
}

/** Options of {@link openTarget}. */
export interface OpenTargetOptions {
  /** Open read-only (tools that only read; they can run beside a writer). */
  readonly readOnly: boolean;
  /** Refuse a Data.fs path that does not exist instead of creating a database there. Default true. */
  readonly mustExist?: boolean;
}

/** Resolves and opens a target's storage. */
export async function openTarget(
  target: string | undefined,
  options: TargetOptions,
  open: OpenTargetOptions,
): Promise<{ storage: Storage; factory: StorageFactory }> {
  const factory = await resolveTarget(target, options);
  if (open.mustExist !== false) {
    for (const file of factory.dataFiles) {
      if (!fs.existsSync(file)) throw new UsageError(`no database file at ${file}`);
    }
  }
  return { storage: await factory.open({ readOnly: open.readOnly }), factory };
}

/** Splits `[target] rest...` arguments: with `--config` every argument is part of `rest`. */
export function splitTarget(
  items: readonly string[],
  options: TargetOptions,
): { target: string | undefined; rest: string[] } {
  if (options.config !== undefined) return { target: undefined, rest: [...items] };
  return { target: items[0], rest: items.slice(1) };
}
