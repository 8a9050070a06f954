/**
 * `zodb history OID`: the revisions of one object, newest first.
 *
 * @module
 */

import { Command } from 'commander';
import { tidRepr } from '../../ids.js';
import { oidArgument, positiveIntegerArgument } from '../arguments.js';
import { action } from '../cli-context.js';
import type { CliContext, CommandTools, CommonOptions } from '../cli-context.js';
import { quoted } from '../formatting.js';
import type { TargetOptions } from '../target.js';
import { openTarget, splitTarget, withTargetOptions } from '../target.js';
import { UsageError } from '../usage-error.js';

interface HistoryOptions extends CommonOptions, TargetOptions {
  readonly limit: string;
}

/** The `history` command. */
export function historyCommand(context: CliContext): Command {
  return withTargetOptions(new Command('history'))
    .description('show the revisions of an object, newest first')
    .usage('[options] <database> <oid>   (or: --config FILE <oid>)')
    .argument('<arguments...>', 'the database (unless --config) and the oid (hex or decimal)')
    .option('-n, --limit <n>', 'how many revisions at most', '20')
    .action(action<HistoryOptions>(context, 'history', runHistory));
}

async function runHistory(
  items: string[],
  options: HistoryOptions,
  { out }: CommandTools,
): Promise<void> {
  const { target, rest } = splitTarget(items, options);
  if (rest.length !== 1)
    throw new UsageError(`expected one oid after the database, got ${rest.length} argument(s)`);
  const oid = oidArgument(rest[0]!);
  const limit = positiveIntegerArgument(options.limit, '--limit');
  const { storage } = await openTarget(target, options, { readOnly: true });
  try {
    const entries = storage.history(oid, limit);
    for (const e of entries) {
      out.lines(
        `${tidRepr(e.tid)}  ${e.time.toISOString()}  size=${e.size}  user=${quoted(e.user)}  ${quoted(e.description)}`,
      );
    }
    out.document(entries.map((e) => ({ ...e, tid: tidRepr(e.tid), time: e.time.toISOString() })));
  } finally {
    await storage.close();
  }
}
