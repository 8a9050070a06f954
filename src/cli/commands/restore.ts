/**
 * `zodb restore` (repozo's job): rebuilds a Data.fs from a backup
 * repository, as of the latest backup or of `--date`.
 *
 * @module
 */

import { Command } from 'commander';
import { restoreFileStorage } from '../../tools/backup/restore.js';
import { dateArgument } from '../arguments.js';
import { action } from '../cli-context.js';
import type { CliContext, CommandTools, CommonOptions } from '../cli-context.js';
import { formatBytes } from '../formatting.js';

interface RestoreCommandOptions extends CommonOptions {
  readonly repository: string;
  readonly output: string;
  readonly date?: string;
  readonly overwrite?: boolean;
}

/** The `restore` command. */
export function restoreCommand(context: CliContext): Command {
  return new Command('restore')
    .description('rebuild a Data.fs from a backup repository, as of the latest backup or a date')
    .requiredOption('-r, --repository <dir>', 'the backup directory')
    .requiredOption('-o, --output <file>', 'the Data.fs to write')
    .option(
      '-D, --date <date>',
      'restore the state of the backups made at or before this time (ISO 8601, UTC)',
    )
    .option('--overwrite', 'replace the output file if it exists')
    .action(action<RestoreCommandOptions>(context, 'restore', runRestore));
}

async function runRestore(
  _args: string[],
  options: RestoreCommandOptions,
  tools: CommandTools,
): Promise<void> {
  const date = options.date === undefined ? undefined : dateArgument(options.date, '--date');
  const progress = tools.progress('restore');
  const report = await restoreFileStorage(options.repository, options.output, {
    date,
    overwrite: options.overwrite === true,
    onProgress: progress.update,
  });
  progress.stop();
  tools.out.lines(
    `restored ${report.output} (${formatBytes(report.bytes)}) from ${report.files.length} backup file(s), ` +
      `as backed up at ${report.date.toISOString()}`,
  );
  tools.out.document({ ...report, date: report.date.toISOString() });
}
