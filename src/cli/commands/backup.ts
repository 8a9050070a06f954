/**
 * `zodb backup` (repozo's job): a full or incremental backup of a
 * FileStorage into a repository directory; with `--verify`, checks every
 * backup file of the repository instead.
 *
 * @module
 */

import { Command } from 'commander';
import { FileStorage } from '../../storage/file/file-storage.js';
import { backupFileStorage } from '../../tools/backup/backup.js';
import type { BackupReport } from '../../tools/backup/backup.js';
import { verifyBackups } from '../../tools/backup/verify.js';
import { Unsupported } from '../../errors.js';
import { action } from '../cli-context.js';
import type { CliContext, CommandTools, CommonOptions } from '../cli-context.js';
import { formatBytes } from '../formatting.js';
import type { TargetOptions } from '../target.js';
import { openTarget, withTargetOptions } from '../target.js';
import { UsageError } from '../usage-error.js';

interface BackupCommandOptions extends CommonOptions, TargetOptions {
  readonly repository?: string;
  readonly full?: boolean;
  readonly quick?: boolean;
  readonly gzip?: boolean;
  readonly verify?: boolean;
}

/** The `backup` command. */
export function backupCommand(context: CliContext): Command {
  return withTargetOptions(new Command('backup'))
    .description(
      'back up a FileStorage (full, or incremental: only the new tail), or --verify a repository',
    )
    .argument('[database]', 'Data.fs path or URI (not needed with --verify)')
    .requiredOption('-r, --repository <dir>', 'the backup directory')
    .option('-F, --full', 'make a full backup even if an incremental one is possible')
    .option(
      '-Q, --quick',
      'check only the last backup file against the data file before an incremental backup',
    )
    .option('-z, --gzip', 'compress the backup file')
    .option('-V, --verify', 'verify every backup file of the repository against its checksums')
    .action(action<BackupCommandOptions>(context, 'backup', runBackup));
}

async function runBackup(
  [target]: string[],
  options: BackupCommandOptions,
  tools: CommandTools,
): Promise<void> {
  const repository = options.repository!;
  if (options.verify === true) return runVerify(target, repository, tools);
  const dataPath = await fileStoragePath(target, options);
  const progress = tools.progress('backup');
  const report = await backupFileStorage(dataPath, repository, {
    full: options.full === true,
    quick: options.quick === true,
    compress: options.gzip === true,
    onProgress: progress.update,
  });
  progress.stop();
  tools.out.lines(describe(report));
  tools.out.document(report);
}

function describe(report: BackupReport): string {
  if (report.kind === 'unchanged')
    return `nothing to back up: no transaction since the last backup (${report.end} bytes)`;
  const reason = report.reason === undefined ? '' : ` (${report.reason})`;
  return `${report.kind} backup ${report.file}: bytes ${report.start}..${report.end}, ${formatBytes(report.end - report.start)}${reason}`;
}

async function runVerify(
  target: string | undefined,
  repository: string,
  tools: CommandTools,
): Promise<void> {
  if (target !== undefined) throw new UsageError('--verify checks a repository; give no database');
  const progress = tools.progress('verify');
  const result = await verifyBackups(repository, { onProgress: progress.update });
  progress.stop();
  tools.out.lines(
    `verified ${result.files} backup file(s) in ${result.catalogs} chain(s), ${formatBytes(result.bytes)}: ` +
      (result.problems.length === 0 ? 'ok' : `${result.problems.length} problem(s)`),
    ...result.problems.map((p) => `  ${p.file}: ${p.message}`),
  );
  tools.out.document(result);
  if (result.catalogs === 0) tools.fail(`no backup in ${repository}`);
  else if (result.problems.length > 0)
    tools.fail(`${result.problems.length} damaged or missing backup file(s)`);
}

/** The Data.fs path of a target, which must be a FileStorage. */
async function fileStoragePath(
  target: string | undefined,
  options: TargetOptions,
): Promise<string> {
  const { storage } = await openTarget(target, options, { readOnly: true });
  try {
    if (!(storage instanceof FileStorage)) {
      throw new Unsupported(
        `backups are of FileStorage databases; ${storage.name} is a ${storage.constructor.name}`,
      );
    }
    return storage.name;
  } finally {
    await storage.close();
  }
}
