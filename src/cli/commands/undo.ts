/**
 * `zodb undo ID...`: undoes transactions (ids from `zodb undo-log`) in one
 * new transaction.
 *
 * @module
 */

import { Command } from 'commander';
import { tidRepr } from '../../ids.js';
import { openToolDatabase } from '../../tools/tool-database.js';
import { TransactionManager } from '../../transaction/manager.js';
import { action } from '../cli-context.js';
import type { CliContext, CommandTools, CommonOptions } from '../cli-context.js';
import { tidTime } from '../formatting.js';
import type { TargetOptions } from '../target.js';
import { openTarget, splitTarget, withTargetOptions } from '../target.js';
import { UsageError } from '../usage-error.js';

interface UndoOptions extends CommonOptions, TargetOptions {
  readonly user?: string;
  readonly note?: string;
}

/** The `undo` command. */
export function undoCommand(context: CliContext): Command {
  return withTargetOptions(new Command('undo'))
    .description('undo transactions, by the ids zodb undo-log lists, in one new transaction')
    .usage('[options] <database> <id...>   (or: --config FILE <id...>)')
    .argument('<arguments...>', 'the database (unless --config) and the undo ids')
    .option('--user <name>', 'the user recorded on the undo transaction')
    .option('--note <text>', 'the description of the undo transaction (default: "undo <ids>")')
    .action(action<UndoOptions>(context, 'undo', runUndo));
}

async function runUndo(
  items: string[],
  options: UndoOptions,
  { out }: CommandTools,
): Promise<void> {
  const { target, rest: ids } = splitTarget(items, options);
  if (ids.length === 0) throw new UsageError('no undo id given (zodb undo-log lists them)');
  const { storage } = await openTarget(target, options, { readOnly: false });
  const db = openToolDatabase(storage);
  try {
    const manager = new TransactionManager();
    const txn = manager.begin();
    txn.note(options.note ?? `undo ${ids.join(' ')}`);
    if (options.user !== undefined) txn.user = options.user;
    db.undoMultiple(ids, txn);
    await manager.commit();
    const tid = storage.lastTransaction();
    out.lines(
      `undid ${ids.length} transaction(s) in transaction ${tidRepr(tid)} (${tidTime(tid)})`,
    );
    out.document({ undone: ids, tid: tidRepr(tid), time: tidTime(tid) });
  } finally {
    await db.close();
  }
}
