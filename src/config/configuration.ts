/**
 * A whole configuration text read into its databases and storages, not yet
 * opened: {@link parseConfiguration}, and {@link readConfigurationText} for
 * files and URLs.
 *
 * @module
 */

import * as fs from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ConfigError } from './config-error.js';
import { parseConfigText } from './config-parser.js';
import type { ConfigSection } from './config-tree.js';
import { describeSection } from './config-tree.js';
import type { DatabaseConfig } from './database-section.js';
import { readDatabaseSection } from './database-section.js';
import { CONFIG_URL_BYTES_MAX } from './limits.js';
import type { StorageFactory } from './storage-factory.js';
import { buildStorage, isStorageSection, storageSectionTypes } from './storage-sections.js';

/** A parsed configuration. */
export interface Configuration {
  /** Where the text came from (`<string>`, a path or a URL). */
  readonly source: string;
  /** The `<zodb>` sections, in the order written. */
  readonly databases: readonly DatabaseConfig[];
  /** Storage sections written at the top level, in order. */
  readonly storages: readonly ConfiguredStorage[];
}

/** A storage section written at the top level. */
export interface ConfiguredStorage {
  /** The section name, if any (`<filestorage main>`: `main`). */
  readonly name: string | undefined;
  readonly storage: StorageFactory;
  readonly section: ConfigSection;
}

/** Options of {@link parseConfiguration}. */
export interface ConfigurationOptions {
  /** Origin of the text, for messages and relative `%include`s; default `<string>`. */
  readonly source?: string;
}

/**
 * Parses a configuration text: `<zodb>` sections and storage sections at
 * the top level. Checks everything (syntax, keys, values, storages) without
 * opening anything.
 *
 * @throws ConfigError at the first problem, with its line and column.
 */
export function parseConfiguration(
  text: string,
  options: ConfigurationOptions = {},
): Configuration {
  const top = parseConfigText(text, options);
  const misplaced = top.keys[0];
  if (misplaced !== undefined) {
    throw new ConfigError(
      misplaced.at,
      `key "${misplaced.key}" outside any section; keys go inside <zodb> or a storage section`,
    );
  }
  const databases: DatabaseConfig[] = [];
  const storages: ConfiguredStorage[] = [];
  for (const section of top.sections) {
    if (section.type === 'zodb') databases.push(readDatabaseSection(section));
    else if (isStorageSection(section)) {
      storages.push({ name: section.name, storage: buildStorage(section), section });
    } else {
      throw new ConfigError(
        section.at,
        `unknown section ${describeSection(section)}; expected <zodb> or a storage section ` +
          `(${storageSectionTypes()
            .map((t) => `<${t}>`)
            .join(', ')})`,
      );
    }
  }
  checkUniqueNames(databases);
  return { source: top.at.source, databases, storages };
}

function checkUniqueNames(databases: readonly DatabaseConfig[]): void {
  const seen = new Map<string, DatabaseConfig>();
  for (const database of databases) {
    const earlier = seen.get(database.name);
    if (earlier !== undefined && databases.length > 1) {
      throw new ConfigError(
        database.section.at,
        `a second database named "${database.name}" (the first is at line ${earlier.section.at.line}); ` +
          'in a multi-database configuration give each <zodb> section its own name',
      );
    }
    seen.set(database.name, database);
  }
}

/**
 * Reads a configuration text from a file path, a `file:` URL or an
 * `http(s):` URL, and the source name to report it under.
 *
 * @throws ConfigError (at line 1) when it cannot be read.
 */
export async function readConfigurationText(
  location: string | URL,
): Promise<{ text: string; source: string }> {
  const text = String(location);
  const url =
    location instanceof URL
      ? location
      : /^[a-z][a-z0-9+.-]+:/i.test(text)
        ? new URL(text)
        : undefined;
  const at = { source: text, line: 1, column: 1 };
  try {
    if (url === undefined) return { text: await fs.readFile(text, 'utf8'), source: text };
    if (url.protocol === 'file:') {
      const file = fileURLToPath(url);
      return { text: await fs.readFile(file, 'utf8'), source: file };
    }
    if (url.protocol === 'http:' || url.protocol === 'https:')
      return { text: await fetchText(url), source: text };
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(
      at,
      `cannot read the configuration: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
  throw new ConfigError(
    at,
    `cannot read a configuration from a ${url.protocol} URL; expected a path, file: or http(s): URL`,
  );
}

async function fetchText(url: URL): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
  const body = await response.arrayBuffer();
  if (body.byteLength > CONFIG_URL_BYTES_MAX) {
    throw new Error(`the response is ${body.byteLength} bytes, more than ${CONFIG_URL_BYTES_MAX}`);
  }
  return new TextDecoder().decode(body);
}

/** Reads and parses the configuration at a path or URL. */
export async function readConfiguration(location: string | URL): Promise<Configuration> {
  const { text, source } = await readConfigurationText(location);
  return parseConfiguration(text, { source });
}
