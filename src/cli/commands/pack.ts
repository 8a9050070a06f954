/**
 * `zodb pack [--days N] [--no-gc]`: removes old revisions, and (with
 * garbage collection) unreachable objects.
 *
 * @module
 */

import { Command } from 'commander';
import { tidRepr } from '../../ids.js';
import { referencesOf } from '../../serialize/record-header.js';
import { TimeStamp } from '../../timestamp.js';
import { nonNegativeNumberArgument } from '../arguments.js';
import { action } from '../cli-context.js';
import type { CliContext, CommandTools, CommonOptions } from '../cli-context.js';
import { formatBytes } from '../formatting.js';
import type { TargetOptions } from '../target.js';
import { openTarget, withTargetOptions } from '../target.js';

interface PackCommandOptions extends CommonOptions, TargetOptions {
  readonly days: string;
  readonly gc?: boolean;
}

const DAY_MS = 86_400_000;

/** The `pack` command. */
export function packCommand(context: CliContext): Command {
  return withTargetOptions(new Command('pack'))
    .description(
      'remove revisions older than --days days and, with gc, objects no longer reachable',
    )
    .argument('[database]', 'Data.fs path or URI')
    .option('--days <n>', 'keep the history of the last n days (may be fractional)', '0')
    .option('--gc', "collect garbage: remove unreachable objects (the storage's default, pack-gc)")
    .option('--no-gc', 'keep unreachable objects; only remove old revisions')
    .action(action<PackCommandOptions>(context, 'pack', runPack));
}

async function runPack(
  [target]: string[],
  options: PackCommandOptions,
  { out }: CommandTools,
): Promise<void> {
  const days = nonNegativeNumberArgument(options.days, '--days');
  const { storage } = await openTarget(target, options, { readOnly: false });
  try {
    const before = { bytes: storage.getSize(), objects: storage.objectCount() };
    const time = new Date(Date.now() - days * DAY_MS);
    const packTid = TimeStamp.fromDate(time).value;
    await storage.pack(packTid, referencesOf, options.gc === undefined ? {} : { gc: options.gc });
    const after = { bytes: storage.getSize(), objects: storage.objectCount() };
    out.lines(
      `packed ${storage.name} as of ${time.toISOString()}${options.gc === false ? ' (without garbage collection)' : ''}`,
      `size ${formatBytes(before.bytes)} -> ${formatBytes(after.bytes)}, objects ${before.objects} -> ${after.objects}`,
    );
    out.document({
      storage: storage.name,
      packTime: time.toISOString(),
      packTid: tidRepr(packTid),
      gc: options.gc ?? null,
      before,
      after,
    });
  } finally {
    await storage.close();
  }
}
