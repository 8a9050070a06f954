/**
 * `zodb dump`: one line per transaction and per data record (fsdump's
 * job), filtered by `--tid` and `--oid`, records decoded without the
 * application's classes. `--json` prints JSON Lines: one transaction per
 * line.
 *
 * @module
 */

import { Command } from 'commander';
import type { Oid } from '../../ids.js';
import { oidRepr, tidRepr } from '../../ids.js';
import type { DumpedRecord, DumpedTransaction } from '../../tools/dump.js';
import { dumpTransactions } from '../../tools/dump.js';
import { oidArgument, tidRangeArgument } from '../arguments.js';
import { action } from '../cli-context.js';
import type { CliContext, CommandTools, CommonOptions } from '../cli-context.js';
import { quoted } from '../formatting.js';
import type { TargetOptions } from '../target.js';
import { openTarget, withTargetOptions } from '../target.js';

interface DumpCommandOptions extends CommonOptions, TargetOptions {
  readonly tid?: string;
  readonly oid?: string[];
  readonly state?: boolean;
}

/** The `dump` command. */
export function dumpCommand(context: CliContext): Command {
  return withTargetOptions(new Command('dump'))
    .description('print transactions and their records, one line each')
    .argument('[database]', 'Data.fs path or URI')
    .option(
      '--tid <tid|from..to>',
      'only this transaction, or this inclusive range (hex, decimal or ISO date)',
    )
    .option(
      '--oid <oids>',
      'only records of these objects: hex or decimal, comma-separated or repeated',
      (value: string, earlier: string[] = []) => [...earlier, ...value.split(',')],
    )
    .option('--state', "also print each record's decoded state")
    .action(action<DumpCommandOptions>(context, 'dump', runDump));
}

async function runDump(
  [target]: string[],
  options: DumpCommandOptions,
  { out }: CommandTools,
): Promise<void> {
  const range = options.tid === undefined ? {} : tidRangeArgument(options.tid);
  const oids: Oid[] | undefined = options.oid?.map((text) => oidArgument(text, '--oid'));
  const { storage } = await openTarget(target, options, { readOnly: true });
  try {
    for (const transaction of dumpTransactions(storage, {
      ...range,
      oids,
      state: options.state === true,
    })) {
      out.lines(...humanLines(transaction, options.state === true));
      out.record(jsonTransaction(transaction));
    }
  } finally {
    await storage.close();
  }
}

function humanLines(t: DumpedTransaction, withState: boolean): string[] {
  const extension =
    Object.keys(t.extension).length === 0 ? '' : ` extension=${JSON.stringify(t.extension)}`;
  const lines = [
    `transaction ${tidRepr(t.tid)} ${t.time.toISOString()} status=${quoted(t.status)} user=${quoted(t.user)} ` +
      `description=${quoted(t.description)}${extension} records=${t.records.length}`,
  ];
  for (const r of t.records) {
    lines.push(`  ${recordLine(r)}`);
    if (withState && r.state !== undefined) lines.push(`    state ${JSON.stringify(r.state)}`);
  }
  return lines;
}

function recordLine(r: DumpedRecord): string {
  const parts = [`record oid=${oidRepr(r.oid)}`];
  if (r.deleted) parts.push('deleted');
  else if (r.className === undefined)
    parts.push(`size=${r.size}`, `error=${quoted(r.error ?? 'unreadable')}`);
  else parts.push(`class=${r.className}`, `size=${r.size}`, `references=${r.references.length}`);
  if (r.dataTxn !== undefined) parts.push(`data-from=${tidRepr(r.dataTxn)}`);
  return parts.join(' ');
}

function jsonTransaction(t: DumpedTransaction): unknown {
  return {
    tid: tidRepr(t.tid),
    time: t.time.toISOString(),
    status: t.status,
    user: t.user,
    description: t.description,
    extension: t.extension,
    records: t.records.map((r) => ({
      oid: oidRepr(r.oid),
      className: r.className ?? null,
      size: r.size,
      deleted: r.deleted,
      references: r.references.map(oidRepr),
      dataTxn: r.dataTxn === undefined ? null : tidRepr(r.dataTxn),
      ...(r.state === undefined ? {} : { state: r.state }),
      ...(r.error === undefined ? {} : { error: r.error }),
    })),
  };
}
