/**
 * The server's log: a small interface ({@link ServerLog}) with a message
 * and fields per entry, the one-line text form the CLI prints
 * ({@link formatLogLine}), and two implementations.
 *
 * @module
 */

/** Fields of a log entry (peer, storage, error, ...). */
export type LogFields = Readonly<Record<string, string | number | boolean | bigint | undefined>>;

/** Where the server reports connections, refusals and failures. */
export interface ServerLog {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** A log level. */
export type LogLevel = 'INFO' | 'WARN' | 'ERROR';

function formatValue(value: string | number | boolean | bigint): string {
  const text =
    typeof value === 'bigint' ? `0x${value.toString(16).padStart(16, '0')}` : String(value);
  return /[\s"=]/.test(text) || text === '' ? JSON.stringify(text) : text;
}

/**
 * One line: `2026-11-24T10:00:00Z INFO client connected peer=127.0.0.1:53312 storage=1`.
 */
export function formatLogLine(
  level: LogLevel,
  message: string,
  fields: LogFields = {},
  now = new Date(),
): string {
  const time = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const parts = [time, level, message];
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) parts.push(`${key}=${formatValue(value)}`);
  }
  return parts.join(' ');
}

/** A log that writes one line per entry to `write` (default: standard error). */
export function lineLog(
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): ServerLog {
  return {
    info: (message, fields) => write(formatLogLine('INFO', message, fields)),
    warn: (message, fields) => write(formatLogLine('WARN', message, fields)),
    error: (message, fields) => write(formatLogLine('ERROR', message, fields)),
  };
}

/** A log that drops everything. */
export const silentLog: ServerLog = { info() {}, warn() {}, error() {} };

/** A log that keeps its entries in memory (tests, embedding). */
export class MemoryLog implements ServerLog {
  /** Every entry so far, oldest first. */
  readonly entries: { level: LogLevel; message: string; fields: LogFields }[] = [];
  info(message: string, fields: LogFields = {}): void {
    this.entries.push({ level: 'INFO', message, fields });
  }
  warn(message: string, fields: LogFields = {}): void {
    this.entries.push({ level: 'WARN', message, fields });
  }
  error(message: string, fields: LogFields = {}): void {
    this.entries.push({ level: 'ERROR', message, fields });
  }
}
