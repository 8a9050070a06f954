/**
 * `zodb stats`: objects, revisions and bytes by class, the biggest
 * objects, and growth per day (fsstats and analyze).
 *
 * @module
 */

import { Command } from 'commander';
import { oidRepr } from '../../ids.js';
import type { StorageStatistics } from '../../tools/storage-statistics.js';
import { collectStatistics } from '../../tools/storage-statistics.js';
import { positiveIntegerArgument } from '../arguments.js';
import { action } from '../cli-context.js';
import type { CliContext, CommandTools, CommonOptions } from '../cli-context.js';
import { columns, formatBytes, jsonTid, tidTime } from '../formatting.js';
import type { TargetOptions } from '../target.js';
import { openTarget, withTargetOptions } from '../target.js';

interface StatsOptions extends CommonOptions, TargetOptions {
  readonly top: string;
}

/** The `stats` command. */
export function statsCommand(context: CliContext): Command {
  return withTargetOptions(new Command('stats'))
    .description(
      'show objects, revisions and bytes by class, the biggest objects and growth per day',
    )
    .argument('[database]', 'Data.fs path or URI')
    .option('--top <n>', 'how many of the biggest objects to list', '10')
    .action(action<StatsOptions>(context, 'stats', runStats));
}

async function runStats(
  [target]: string[],
  options: StatsOptions,
  tools: CommandTools,
): Promise<void> {
  const top = positiveIntegerArgument(options.top, '--top');
  const { storage } = await openTarget(target, options, { readOnly: true });
  const progress = tools.progress('stats');
  try {
    const stats = collectStatistics(storage, { top, onProgress: progress.update });
    progress.stop();
    tools.out.lines(...humanLines(stats));
    tools.out.document({
      ...stats,
      firstTid: jsonTid(stats.firstTid),
      lastTid: jsonTid(stats.lastTid),
      biggest: stats.biggest.map((b) => ({ ...b, oid: oidRepr(b.oid) })),
    });
  } finally {
    await storage.close();
  }
}

function humanLines(s: StorageStatistics): string[] {
  const span =
    s.firstTid === undefined || s.lastTid === undefined
      ? ''
      : ` (${tidTime(s.firstTid).slice(0, 10)} .. ${tidTime(s.lastTid).slice(0, 10)})`;
  return [
    ...columns([
      ['transactions', `${s.transactions}${span}`],
      ['objects', `${s.objects} current, ${formatBytes(s.currentBytes)}`],
      ['revisions', `${s.revisions}, ${formatBytes(s.totalBytes)}`],
    ]),
    '',
    ...columns([
      ['class', 'objects', 'current', 'revisions', 'all revisions'],
      ...s.classes.map((c) => [
        c.className,
        String(c.objects),
        formatBytes(c.currentBytes),
        String(c.revisions),
        formatBytes(c.totalBytes),
      ]),
    ]),
    '',
    'biggest objects:',
    ...columns(s.biggest.map((b) => [`  ${oidRepr(b.oid)}`, b.className, formatBytes(b.bytes)])),
    '',
    'growth per day:',
    ...columns(
      s.days.map((d) => [
        `  ${d.day}`,
        `${d.transactions} transaction(s)`,
        `${d.revisions} revision(s)`,
        formatBytes(d.bytes),
        `${d.newObjects} new object(s)`,
      ]),
    ),
  ];
}
