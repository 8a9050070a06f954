/**
 * `zodb info`: what a database is: storage kind, size, object count, last
 * transaction, blob directory.
 *
 * @module
 */

import { Command } from 'commander';
import { DemoStorage } from '../../storage/demo/demo-storage.js';
import { FileStorage } from '../../storage/file/file-storage.js';
import type { Storage } from '../../storage/interfaces.js';
import { action } from '../cli-context.js';
import type { CliContext, CommonOptions } from '../cli-context.js';
import { columns, formatBytes, jsonTid, tidTime } from '../formatting.js';
import type { TargetOptions } from '../target.js';
import { openTarget, withTargetOptions } from '../target.js';

/** The facts `zodb info` reports. */
export interface StorageInfo {
  /** The storage class: `FileStorage`, `MappingStorage`, `DemoStorage`, ... */
  readonly kind: string;
  /** The storage's name (a FileStorage's path). */
  readonly name: string;
  /** Approximate size in bytes. */
  readonly bytes: number;
  /** Current objects. */
  readonly objects: number;
  /** The last transaction's tid (`0x` hex), `null` when empty. */
  readonly lastTransaction: string | null;
  /** Its commit time, ISO 8601. */
  readonly lastTransactionTime: string | null;
  /** A FileStorage's blob directory, if any. */
  readonly blobDirectory: string | null;
  /** For a DemoStorage, its base and changes. */
  readonly layers?: { readonly base: StorageInfo; readonly changes: StorageInfo };
}

/** The facts of an open storage. */
export function describeStorage(storage: Storage): StorageInfo {
  const last = storage.lastTransaction();
  const info: StorageInfo = {
    kind: storage.constructor.name,
    name: storage.name,
    bytes: storage.getSize(),
    objects: storage.objectCount(),
    lastTransaction: jsonTid(last),
    lastTransactionTime: last === 0n ? null : tidTime(last),
    blobDirectory: storage instanceof FileStorage ? (storage.blobDir ?? null) : null,
  };
  if (storage instanceof DemoStorage) {
    return {
      ...info,
      layers: { base: describeStorage(storage.base), changes: describeStorage(storage.changes) },
    };
  }
  return info;
}

function humanLines(info: StorageInfo, indent = ''): string[] {
  const rows = [
    ['storage', `${info.kind} ${info.name}`],
    [
      'size',
      info.bytes < 1024
        ? formatBytes(info.bytes)
        : `${formatBytes(info.bytes)} (${info.bytes} bytes)`,
    ],
    ['objects', String(info.objects)],
    [
      'last transaction',
      info.lastTransaction === null
        ? 'none'
        : `${info.lastTransaction} (${info.lastTransactionTime})`,
    ],
    ['blob directory', info.blobDirectory ?? 'none'],
  ];
  const lines = columns(rows).map((line) => indent + line);
  if (info.layers !== undefined) {
    lines.push(`${indent}base:`, ...humanLines(info.layers.base, `${indent}  `));
    lines.push(`${indent}changes:`, ...humanLines(info.layers.changes, `${indent}  `));
  }
  return lines;
}

/** The `info` command. */
export function infoCommand(context: CliContext): Command {
  return withTargetOptions(new Command('info'))
    .description('show the storage kind, size, object count, last transaction and blob directory')
    .argument('[database]', 'Data.fs path or URI')
    .action(
      action<CommonOptions & TargetOptions>(context, 'info', async ([target], options, { out }) => {
        const { storage } = await openTarget(target, options, { readOnly: true });
        try {
          const info = describeStorage(storage);
          out.lines(...humanLines(info));
          out.document(info);
        } finally {
          await storage.close();
        }
      }),
    );
}
