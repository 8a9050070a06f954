/**
 * `zodb undo-log`: the transactions that can be undone, newest first, with
 * the ids `zodb undo` takes.
 *
 * @module
 */

import { Command } from 'commander';
import { tidRepr } from '../../ids.js';
import { isUndoStorage } from '../../storage/interfaces.js';
import { positiveIntegerArgument } from '../arguments.js';
import { action } from '../cli-context.js';
import type { CliContext, CommandTools, CommonOptions } from '../cli-context.js';
import { quoted } from '../formatting.js';
import type { TargetOptions } from '../target.js';
import { openTarget, withTargetOptions } from '../target.js';
import { Unsupported } from '../../errors.js';

interface UndoLogOptions extends CommonOptions, TargetOptions {
  readonly limit: string;
}

/** The `undo-log` command. */
export function undoLogCommand(context: CliContext): Command {
  return withTargetOptions(new Command('undo-log'))
    .description('list the transactions that can be undone, newest first, with their undo ids')
    .argument('[database]', 'Data.fs path or URI')
    .option('-n, --limit <n>', 'how many transactions at most', '20')
    .action(action<UndoLogOptions>(context, 'undo-log', runUndoLog));
}

async function runUndoLog(
  [target]: string[],
  options: UndoLogOptions,
  { out }: CommandTools,
): Promise<void> {
  const limit = positiveIntegerArgument(options.limit, '--limit');
  const { storage } = await openTarget(target, options, { readOnly: true });
  try {
    if (!isUndoStorage(storage))
      throw new Unsupported(`storage ${storage.name} does not support undo`);
    const entries = storage.undoLog(0, -limit);
    for (const e of entries) {
      out.lines(
        `${e.id}  ${tidRepr(e.tid)}  ${e.time.toISOString()}  size=${e.size}  user=${quoted(e.user)}  ${quoted(e.description)}`,
      );
    }
    out.document(entries.map((e) => ({ ...e, tid: tidRepr(e.tid), time: e.time.toISOString() })));
  } finally {
    await storage.close();
  }
}
