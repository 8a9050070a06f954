/**
 * Schemas of configuration sections: which keys a section accepts, of
 * which kind, which are required, and their defaults (for messages and the
 * documentation). {@link readKeys} checks a parsed section against one and
 * returns typed values.
 *
 * @module
 */

import { ConfigError } from './config-error.js';
import type { ConfigSection } from './config-tree.js';
import { describeSection } from './config-tree.js';
import { didYouMean } from './closest-name.js';
import type { ValueKind, ValueOfKind } from './value-types.js';
import { parseValue } from './value-types.js';

/** One accepted key. */
export interface KeySpec {
  readonly kind: ValueKind;
  /** The section is refused without this key. */
  readonly required?: boolean;
  /** An empty value means "not given" (ZODB's `blob-dir` with no value: no blobs). */
  readonly emptyMeansAbsent?: boolean;
}

/** The keys of a section type, by lower-case name. */
export type KeySchema = Readonly<Record<string, KeySpec>>;

/** The values read with a schema; absent keys are `undefined`. */
export type KeyValues<S extends KeySchema> = {
  -readonly [K in keyof S]: ValueOfKind[S[K]['kind']] | undefined;
};

/** Keys a section type knows but refuses, with the reason (ZODB keys with no meaning here). */
export type RefusedKeys = Readonly<Record<string, string>>;

/**
 * Reads `section`'s keys with `schema`.
 *
 * @throws ConfigError at the key for an unknown or refused key (naming the
 *   accepted ones and the closest match), at the value for a value of the
 *   wrong form, at the section for a missing required key.
 */
export function readKeys<S extends KeySchema>(
  section: ConfigSection,
  schema: S,
  refused: RefusedKeys = {},
): KeyValues<S> {
  const values: Record<string, unknown> = {};
  for (const item of section.keys) {
    const spec = schema[item.key];
    if (spec === undefined) {
      const reason = refused[item.key];
      if (reason !== undefined) {
        throw new ConfigError(
          item.at,
          `key "${item.key}" of ${describeSection(section)}: ${reason}`,
        );
      }
      throw new ConfigError(
        item.at,
        `unknown key "${item.key}" in ${describeSection(section)}${didYouMean(item.key, Object.keys(schema))}; ` +
          `expected one of: ${Object.keys(schema).join(', ')}`,
      );
    }
    if (item.value === '' && spec.emptyMeansAbsent === true) continue;
    const parsed = parseValue(spec.kind, item.value);
    if (!parsed.ok) {
      const got = item.value === '' ? 'nothing' : `"${item.value}"`;
      throw new ConfigError(
        item.valueAt,
        `key "${item.key}" of ${describeSection(section)} needs ${parsed.expected}, got ${got}`,
      );
    }
    values[item.key] = parsed.value;
  }
  for (const [key, spec] of Object.entries(schema)) {
    if (spec.required === true && values[key] === undefined) {
      throw new ConfigError(section.at, `${describeSection(section)} needs the key "${key}"`);
    }
  }
  return values as KeyValues<S>;
}

/** Refuses any sub-section of a section that takes none. */
export function expectNoSections(section: ConfigSection): void {
  const inner = section.sections[0];
  if (inner !== undefined) {
    throw new ConfigError(
      inner.at,
      `${describeSection(section)} takes no sections, found ${describeSection(inner)}`,
    );
  }
}
