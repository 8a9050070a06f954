/**
 * The `zodb` command: a commander program with one sub-command per verb
 * (`src/cli/commands/<verb>.ts`), runnable in-process with {@link runCli}.
 *
 * @module
 */

import { Command, CommanderError } from 'commander';
import { CliContext, EXIT_USAGE } from './cli-context.js';
import type { CliIO } from './cli-io.js';
import { processIO } from './cli-io.js';
import { backupCommand } from './commands/backup.js';
import { checkCommand } from './commands/check.js';
import { copyCommand } from './commands/copy.js';
import { dumpCommand } from './commands/dump.js';
import { historyCommand } from './commands/history.js';
import { infoCommand } from './commands/info.js';
import { packCommand } from './commands/pack.js';
import { restoreCommand } from './commands/restore.js';
import { serverCommand } from './commands/server.js';
import { statsCommand } from './commands/stats.js';
import { undoLogCommand } from './commands/undo-log.js';
import { undoCommand } from './commands/undo.js';

/** The verbs, in the order `zodb --help` lists them. */
const COMMANDS: readonly ((context: CliContext) => Command)[] = [
  infoCommand,
  checkCommand,
  dumpCommand,
  statsCommand,
  historyCommand,
  undoLogCommand,
  undoCommand,
  packCommand,
  copyCommand,
  backupCommand,
  restoreCommand,
  serverCommand,
];

/** Builds the program for one run. */
export function buildProgram(context: CliContext): Command {
  const program = new Command('zodb')
    .description(
      'inspect, check and maintain ZODB databases (Data.fs files, URIs or configurations)',
    )
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.io.stdout.write(text),
      writeErr: (text) => context.io.stderr.write(text),
      outputError: (text, write) => write(`zodb: ${oneLine(text)}`),
    })
    .showSuggestionAfterError(true);
  for (const make of COMMANDS) {
    const command = make(context)
      .option('--json', 'print JSON for scripts instead of text')
      .option('--no-progress', 'never draw a progress bar')
      .exitOverride()
      .configureOutput({
        writeOut: (text) => context.io.stdout.write(text),
        writeErr: (text) => context.io.stderr.write(text),
        outputError: (text, write) => write(`zodb ${command.name()}: ${oneLine(text)}`),
      });
    program.addCommand(command);
  }
  return program;
}

/** Commander's error text as one line: `error: ` dropped, a suggestion joined to the line. */
function oneLine(text: string): string {
  return `${text
    .replace(/^error: /, '')
    .replace(/\n\(Did you mean (.*)\?\)/, ' (did you mean $1?)')
    .trimEnd()}\n`;
}

/**
 * Runs the command with `argv` (the arguments after `zodb`) and resolves
 * with the exit status: 0 success, 1 failure or problems found, 2 usage
 * error.
 *
 * @example
 * ```ts
 * const status = await runCli(['info', 'Data.fs', '--json']);
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const context = new CliContext(io);
  const program = buildProgram(context);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version exit 0; argument errors were already printed
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    throw error;
  }
  return context.exitCode;
}
