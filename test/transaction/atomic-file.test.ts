/**
 * The all-or-nothing story: a non-database resource (a file written
 * atomically) commits together with another resource, or not at all.
 */
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  TransactionManager,
  type DataManager,
  type Transaction,
} from '../../src/transaction/index.js';
import { RecordingDataManager } from './recording-data-manager.js';

/**
 * Writes `content` to `path` if and only if the transaction commits: the
 * bytes go to a temporary file in phase one, the rename that publishes them
 * happens in tpcFinish, and tpcAbort removes the temporary file.
 */
class AtomicFileWriter implements DataManager {
  readonly #path: string;
  readonly #content: string;
  readonly #temporary: string;

  constructor(path: string, content: string) {
    this.#path = path;
    this.#content = content;
    this.#temporary = `${path}.tmp`;
  }

  get temporaryPath(): string {
    return this.#temporary;
  }

  abort(_txn: Transaction): void {}
  tpcBegin(_txn: Transaction): void {}
  async commit(_txn: Transaction): Promise<void> {
    await writeFile(this.#temporary, this.#content);
  }
  async tpcVote(_txn: Transaction): Promise<void> {
    // The bytes must be complete before we promise that finish will work.
    if ((await readFile(this.#temporary, 'utf8')) !== this.#content) {
      throw new Error(`${this.#temporary} is incomplete`);
    }
  }
  async tpcFinish(_txn: Transaction): Promise<void> {
    await rename(this.#temporary, this.#path);
  }
  async tpcAbort(_txn: Transaction): Promise<void> {
    await rm(this.#temporary, { force: true });
  }
  sortKey(): string {
    return `file:${this.#path}`;
  }
}

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'zodb-transaction-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('a file written atomically together with another resource', () => {
  it('is not there, nor its temporary file, when the other resource fails to vote', async () => {
    const tm = new TransactionManager();
    const txn = tm.get();
    const path = join(directory, 'report.txt');
    const file = new AtomicFileWriter(path, 'totals');
    txn.join(file);
    txn.join(new RecordingDataManager('database', [], { failIn: ['tpcVote'] }));

    await expect(txn.commit()).rejects.toThrow('database.tpcVote failed');
    await txn.abort();

    expect(existsSync(path)).toBe(false);
    expect(existsSync(file.temporaryPath)).toBe(false);
  });

  it('is there with its content when both resources vote fine', async () => {
    const tm = new TransactionManager();
    const path = join(directory, 'report.txt');
    await tm.run((txn) => {
      txn.join(new AtomicFileWriter(path, 'totals'));
      txn.join(new RecordingDataManager('database'));
    });
    expect(await readFile(path, 'utf8')).toBe('totals');
    expect(existsSync(`${path}.tmp`)).toBe(false);
  });
});
