/**
 * {@link ConfigError}: what is wrong in a configuration text or URI, and
 * where.
 *
 * @module
 */

import { ZODBError } from '../errors.js';

/** Where a configuration problem was found. */
export interface ConfigLocation {
  /** The file, URL or `<string>` the text came from. */
  readonly source: string;
  /** 1-based line number. */
  readonly line: number;
  /** 1-based column (UTF-16 code units) where the offending text starts. */
  readonly column: number;
}

/**
 * Is returned when a configuration text or URI cannot be used: bad syntax,
 * an unknown section or key, a value of the wrong form, a missing required
 * key or section. The message reads `source:line:column: what is wrong;
 * what was expected`; the parts are in fields.
 *
 * @example
 * ```ts
 * try {
 *   await databaseFromString('<zodb>\ncache-sise 100\n</zodb>');
 * } catch (error) {
 *   if (error instanceof ConfigError) console.log(error.line, error.column, error.reason);
 * }
 * ```
 */
export class ConfigError extends ZODBError {
  /** The file, URL, URI or `<string>` where the problem is. */
  readonly source: string;
  /** 1-based line (1 for URIs). */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
  /** The message without the location. */
  readonly reason: string;

  constructor(location: ConfigLocation, reason: string, options?: ErrorOptions) {
    super(`${location.source}:${location.line}:${location.column}: ${reason}`, options);
    this.source = location.source;
    this.line = location.line;
    this.column = location.column;
    this.reason = reason;
  }
}
