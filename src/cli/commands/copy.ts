/**
 * `zodb copy SRC DST` (zodbconvert): copies transactions with their tids
 * between any two storages; `--incremental` copies only those newer than
 * the destination's last transaction.
 *
 * @module
 */

import { Command } from 'commander';
import { tidRepr } from '../../ids.js';
import { copyTransactionsFrom } from '../../storage/copy.js';
import type { Storage } from '../../storage/interfaces.js';
import { isRestoreStorage } from '../../storage/interfaces.js';
import { requireIterator } from '../../tools/dump.js';
import { Unsupported } from '../../errors.js';
import { action } from '../cli-context.js';
import type { CliContext, CommandTools, CommonOptions } from '../cli-context.js';
import { formatTid } from '../formatting.js';
import { openTarget } from '../target.js';
import { UsageError } from '../usage-error.js';

interface CopyOptions extends CommonOptions {
  readonly incremental?: boolean;
  readonly allowMissingBlobs?: boolean;
}

/** The `copy` command. */
export function copyCommand(context: CliContext): Command {
  return new Command('copy')
    .description('copy every transaction (same tids) from one storage to another, like zodbconvert')
    .argument(
      '<source>',
      'Data.fs path or URI (zconfig:///file.conf#name for a configured storage)',
    )
    .argument('<destination>', 'Data.fs path (created if missing) or URI')
    .option('--incremental', "copy only the transactions newer than the destination's last one")
    .option(
      '--allow-missing-blobs',
      'copy blob records whose file the source lacks without their data (default: stop with an error)',
    )
    .action(action<CopyOptions>(context, 'copy', runCopy));
}

async function runCopy(
  [source, destination]: string[],
  options: CopyOptions,
  tools: CommandTools,
): Promise<void> {
  const from = (await openTarget(source, {}, { readOnly: true })).storage;
  let to: Storage | undefined;
  try {
    to = (await openTarget(destination, {}, { readOnly: false, mustExist: false })).storage;
    await copyBetween(from, to, options, tools);
  } finally {
    await to?.close();
    await from.close();
  }
}

async function copyBetween(
  from: Storage,
  to: Storage,
  options: CopyOptions,
  tools: CommandTools,
): Promise<void> {
  const incremental = options.incremental === true;
  const source = requireIterator(from);
  if (!isRestoreStorage(to))
    throw new Unsupported(`storage ${to.name} cannot receive copied transactions (restore)`);
  const last = to.lastTransaction();
  if (last !== 0n && !incremental) {
    throw new UsageError(
      `the destination ${to.name} is not empty (last transaction ${formatTid(last)}); pass --incremental to add only newer transactions`,
    );
  }
  const first = [...takeOne(source.iterator(last === 0n ? undefined : last + 1n))][0];
  const end = from.lastTransaction();
  const progress = tools.progress('copy');
  const report = await copyTransactionsFrom(source, to, {
    from: last === 0n ? undefined : last + 1n,
    allowMissingBlobs: options.allowMissingBlobs === true,
    onTransaction: (tid) => {
      if (first !== undefined && end > first)
        progress.update(Number(tid - first), Number(end - first));
    },
  });
  progress.stop();
  tools.out.lines(
    `copied ${report.transactions} transaction(s), ${report.records} record(s) from ${from.name} to ${to.name}` +
      (report.lastTid === undefined ? '' : `; last ${formatTid(report.lastTid)}`),
  );
  tools.out.document({
    source: from.name,
    destination: to.name,
    transactions: report.transactions,
    records: report.records,
    lastTid: report.lastTid === undefined ? null : tidRepr(report.lastTid),
  });
}

/** The tid of the first transaction an iteration yields. */
function* takeOne(transactions: Iterable<{ tid: bigint }>): Generator<bigint> {
  for (const transaction of transactions) {
    yield transaction.tid;
    return;
  }
}
