/**
 * The undo log of FileStorage: undoable transactions newest first, read
 * backwards from the end of the file through the trailing lengths, up to
 * the first packed transaction (nothing before a pack can be undone).
 *
 * @module
 */

import { TimeStamp } from '../../timestamp.js';
import type { UndoLogEntry } from '../interfaces.js';
import type { DataFile } from './data-file.js';
import { Status } from './format.js';
import { readTransactionInfo, transactionsBackward } from './transaction-reader.js';
import { undoId } from './undo.js';

/**
 * Lazily yields the undo log entries of the transactions ending at or
 * before `end`; `size` is the transaction record's length in bytes.
 */
export function* undoLogEntries(file: DataFile, end: number): Generator<UndoLogEntry> {
  for (const { pos, header } of transactionsBackward(file, end)) {
    if (header.status === Status.packed) return;
    if (header.status !== Status.committed) continue;
    const info = readTransactionInfo(file, pos);
    yield {
      id: undoId(info.tid),
      tid: info.tid,
      time: TimeStamp.fromTid(info.tid).toDate(),
      user: info.user,
      description: info.description,
      extension: info.extension,
      size: info.length,
    };
  }
}
