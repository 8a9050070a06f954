/**
 * The parsed form of a configuration text: sections holding keys and
 * sections, every item with the place it was written. Produced by
 * `parseConfigText` (config-parser.ts), read by the section schemas.
 *
 * @module
 */

import type { ConfigLocation } from './config-error.js';

/** One `key value` line. */
export interface ConfigKey {
  /** The key, lower-cased (keys are case-insensitive). */
  readonly key: string;
  /** The value after substitution, surrounding whitespace removed; `''` when absent. */
  readonly value: string;
  /** Where the key starts. */
  readonly at: ConfigLocation;
  /** Where the value starts (just after the key when the value is absent). */
  readonly valueAt: ConfigLocation;
}

/** One `<type name>` ... `</type>` section, or the top level of a text. */
export interface ConfigSection {
  /** The section type, lower-cased (`zodb`, `filestorage`, ...); `''` at the top level. */
  readonly type: string;
  /** The optional section name, as written. */
  readonly name: string | undefined;
  /** Where the opening tag starts. */
  readonly at: ConfigLocation;
  /** Keys in the order written. */
  readonly keys: readonly ConfigKey[];
  /** Sub-sections in the order written. */
  readonly sections: readonly ConfigSection[];
}

/** How a section is shown in messages: `<filestorage main>`. */
export function describeSection(section: ConfigSection): string {
  if (section.type === '') return 'the top level';
  return section.name === undefined ? `<${section.type}>` : `<${section.type} ${section.name}>`;
}
