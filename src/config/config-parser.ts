/**
 * The ZConfig-style text format of ZODB configuration files, parsed into a
 * {@link ConfigSection} tree. The syntax (docs/configuration.md):
 *
 * ```
 * # a comment                      (whole lines only)
 * %define DIR /var/db               (then $DIR or ${DIR} in values; $$ is a $)
 * %include other.conf               (relative to the including file)
 * <zodb main>                       (open a section: type and optional name)
 *   cache-size 5000                 (key, whitespace, value to the end of the line)
 *   <filestorage>
 *     path $DIR/Data.fs
 *   </filestorage>                  (close: the same type)
 *   <mappingstorage/>               (an empty section in one tag)
 * </zodb>
 * ```
 *
 * Section types, keys and define names are case-insensitive; values and
 * section names keep their case. `%import` is refused: every storage type
 * this package knows is available without it.
 *
 * @module
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ConfigLocation } from './config-error.js';
import { ConfigError } from './config-error.js';
import type { ConfigKey, ConfigSection } from './config-tree.js';
import { CONFIG_INCLUDE_DEPTH_MAX } from './limits.js';

/** Options of {@link parseConfigText}. */
export interface ParseOptions {
  /** Name of the text's origin for messages (a path or URL); default `<string>`. */
  readonly source?: string;
  /** Directory `%include` paths are relative to; default: the source's directory, else the working directory. */
  readonly baseDirectory?: string;
}

/** A section while its lines are being read. */
interface OpenSection {
  type: string;
  name: string | undefined;
  at: ConfigLocation;
  keys: ConfigKey[];
  sections: ConfigSection[];
}

const NAME = /^[A-Za-z0-9_.\-:/@+*]+$/;
const SECTION_TYPE = /^[A-Za-z][A-Za-z0-9_.-]*$/;

/**
 * Parses a configuration text into its top-level section (type `''`).
 *
 * @throws ConfigError naming the line and column of the first syntax error.
 */
export function parseConfigText(text: string, options: ParseOptions = {}): ConfigSection {
  const source = options.source ?? '<string>';
  const top: OpenSection = {
    type: '',
    name: undefined,
    at: { source, line: 1, column: 1 },
    keys: [],
    sections: [],
  };
  const parser = new Parser(top);
  const baseDirectory =
    options.baseDirectory ??
    (options.source !== undefined && !/^[a-z][a-z0-9+.-]*:\/\//i.test(options.source)
      ? path.dirname(path.resolve(options.source))
      : process.cwd());
  parser.parse(text, source, baseDirectory, 0);
  parser.finish({ source, line: text.split(/\r?\n/).length, column: 1 });
  return top;
}

class Parser {
  private readonly stack: OpenSection[];
  private readonly defines = new Map<string, string>();

  constructor(top: OpenSection) {
    this.stack = [top];
  }

  parse(text: string, source: string, baseDirectory: string, depth: number): void {
    const lines = text.split(/\r?\n/);
    const openedHere = this.stack.length;
    for (let i = 0; i < lines.length; i++) {
      const raw = lines[i]!;
      const trimmed = raw.trim();
      if (trimmed === '' || trimmed.startsWith('#')) continue;
      const at = { source, line: i + 1, column: raw.length - raw.trimStart().length + 1 };
      if (trimmed.startsWith('%')) this.directive(trimmed, at, baseDirectory, depth);
      else if (trimmed.startsWith('<')) this.tag(trimmed, at);
      else this.key(trimmed, at);
    }
    if (depth > 0 && this.stack.length !== openedHere) {
      const open = this.current();
      throw new ConfigError(
        open.at,
        `section <${open.type}> is not closed before the end of the included file ${source}`,
      );
    }
  }

  finish(end: ConfigLocation): void {
    if (this.stack.length > 1) {
      const open = this.current();
      throw new ConfigError(
        end,
        `the text ends inside section <${open.type}> opened at line ${open.at.line}; expected </${open.type}>`,
      );
    }
  }

  private current(): OpenSection {
    return this.stack[this.stack.length - 1]!;
  }

  private directive(line: string, at: ConfigLocation, baseDirectory: string, depth: number): void {
    const match = /^%(\S*)\s*(.*)$/.exec(line)!;
    const word = match[1]!.toLowerCase();
    const rest = match[2]!.trim();
    if (word === 'define') return this.define(rest, at);
    if (word === 'include') return this.include(rest, at, baseDirectory, depth);
    if (word === 'import') {
      throw new ConfigError(
        at,
        '%import is not supported: storage section types are registered in code ' +
          '(registerStorageSection), and the built-in ones need nothing',
      );
    }
    throw new ConfigError(at, `unknown directive %${word}; expected %define or %include`);
  }

  private define(rest: string, at: ConfigLocation): void {
    const match = /^(\S+)\s*(.*)$/.exec(rest);
    if (match === null) throw new ConfigError(at, '%define needs a name and a value');
    const name = match[1]!.toLowerCase();
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) {
      throw new ConfigError(
        at,
        `%define name "${match[1]}" must be letters, digits and underscores`,
      );
    }
    if (this.defines.has(name)) throw new ConfigError(at, `"${match[1]}" is already defined`);
    this.defines.set(name, this.substitute(match[2]!, at));
  }

  private include(rest: string, at: ConfigLocation, baseDirectory: string, depth: number): void {
    if (rest === '') throw new ConfigError(at, '%include needs a file name');
    if (depth >= CONFIG_INCLUDE_DEPTH_MAX) {
      throw new ConfigError(
        at,
        `%include nested more than ${CONFIG_INCLUDE_DEPTH_MAX} levels deep (an include cycle?)`,
      );
    }
    const target = path.resolve(baseDirectory, this.substitute(rest, at));
    let text: string;
    try {
      text = fs.readFileSync(target, 'utf8');
    } catch (error) {
      throw new ConfigError(at, `cannot read included file ${target}: ${messageOf(error)}`, {
        cause: error,
      });
    }
    this.parse(text, target, path.dirname(target), depth + 1);
  }

  private tag(line: string, at: ConfigLocation): void {
    if (!line.endsWith('>')) throw new ConfigError(at, `a section tag must end with ">"`);
    if (line.startsWith('</')) return this.close(line.slice(2, -1).trim(), at);
    const selfClosing = line.endsWith('/>');
    const inner = line.slice(1, selfClosing ? -2 : -1).trim();
    const parts = inner.split(/\s+/);
    const type = parts[0] ?? '';
    if (!SECTION_TYPE.test(type)) {
      throw new ConfigError(at, `"${type}" is not a section type; expected <type> or <type name>`);
    }
    if (parts.length > 2) {
      throw new ConfigError(
        at,
        `section <${type}> has more than one name ("${parts.slice(1).join(' ')}")`,
      );
    }
    const name = parts[1];
    if (name !== undefined && !NAME.test(name)) {
      throw new ConfigError(at, `"${name}" is not a valid section name`);
    }
    const section: OpenSection = { type: type.toLowerCase(), name, at, keys: [], sections: [] };
    this.current().sections.push(section);
    if (!selfClosing) this.stack.push(section);
  }

  private close(typeText: string, at: ConfigLocation): void {
    const open = this.current();
    if (this.stack.length === 1) {
      throw new ConfigError(at, `</${typeText}> closes a section that was never opened`);
    }
    if (typeText.toLowerCase() !== open.type) {
      throw new ConfigError(
        at,
        `</${typeText}> does not match <${open.type}> opened at line ${open.at.line}; expected </${open.type}>`,
      );
    }
    this.stack.pop();
  }

  private key(line: string, at: ConfigLocation): void {
    const match = /^(\S+)(\s*)(.*)$/.exec(line)!;
    const keyText = match[1]!;
    if (keyText.includes('=') || match[3]!.startsWith('=')) {
      throw new ConfigError(at, `"${keyText}": keys are written "key value" (a space, no "=")`);
    }
    const valueAt = { ...at, column: at.column + keyText.length + match[2]!.length };
    const section = this.current();
    const key = keyText.toLowerCase();
    const earlier = section.keys.find((k) => k.key === key);
    if (earlier !== undefined) {
      throw new ConfigError(
        at,
        `key "${key}" is given twice in the same section (first at line ${earlier.at.line})`,
      );
    }
    section.keys.push({ key, value: this.substitute(match[3]!.trim(), valueAt), at, valueAt });
  }

  /** Replaces `$name` and `${name}` by their %define values, and `$$` by `$`. */
  private substitute(value: string, at: ConfigLocation): string {
    return value.replace(
      /\$(\$|\{([^}]*)\}|([A-Za-z_][A-Za-z0-9_]*)|)/g,
      (
        whole,
        _all: string,
        braced: string | undefined,
        bare: string | undefined,
        offset: number,
      ) => {
        if (whole === '$$') return '$';
        const name = braced ?? bare;
        const where = { ...at, column: at.column + offset };
        if (name === undefined || name === '') {
          throw new ConfigError(where, 'a "$" must start $name, ${name} or $$');
        }
        const defined = this.defines.get(name.toLowerCase());
        if (defined === undefined) {
          throw new ConfigError(where, `"${name}" is not defined; define it first with %define`);
        }
        return defined;
      },
    );
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
