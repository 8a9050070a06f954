/**
 * Crash test with real processes: a child commits random transactions in a
 * loop (`crash-child.ts`) and is killed with SIGKILL at random moments,
 * again and again on the same file. After each kill the file must open,
 * hold exactly the transactions the child reported as committed (or one
 * more: the one whose `tpcFinish` was in flight), pass the structural
 * check, and a saved index must equal the index rebuilt by scanning.
 *
 * Default: 2 files x 100 kills = 200 kills (one lane per core);
 * `ZODB_CRASH_KILLS=<n>` changes the total.
 *
 * The child is a TypeScript script. By default the test compiles it once
 * (`compile-child.ts`) and starts it with plain `node`: `node --import tsx`
 * costs 0.4 to 0.9 s of CPU per start here, which for 200 starts would take
 * minutes. `ZODB_CRASH_TSX=1` starts it with `node --import tsx` instead.
 */

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tid } from '../../../src/ids.js';
import type { OidIndex } from '../../../src/storage/file/index.js';
import { FileStorage, loadIndexFile, rebuildIndex } from '../../../src/storage/file/index.js';

import { compileChildScript, removeCompiledChildren } from './compile-child.js';

const CHILD_SOURCE = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const USE_TSX = process.env['ZODB_CRASH_TSX'] === '1';
const LANES = 2;
const KILLS = Number(process.env['ZODB_CRASH_KILLS'] ?? '200');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fs-crash-'));

let childArguments: string[] = [];

beforeAll(() => {
  childArguments = USE_TSX ? ['--import', 'tsx', CHILD_SOURCE] : [compileChildScript(CHILD_SOURCE)];
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
  removeCompiledChildren();
});

/** Runs the child until a random moment, kills it, and returns the tids it reported. */
function runAndKill(dataPath: string, seed: number): Promise<Tid[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...childArguments, dataPath, String(seed)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tids: Tid[] = [];
    let pending = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    const killLater = (ms: number): void => {
      timer ??= setTimeout(() => child.kill('SIGKILL'), ms);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith('tid ')) tids.push(BigInt(`0x${line.slice(4)}`));
        if (line.startsWith('ready')) killLater(seed % 7 === 0 ? 0 : seed % 37);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Now and then, kill during start-up (index load, tail recovery, index save).
    if (seed % 11 === 0) killLater(150 + (seed % 200));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`child exited with ${code}: ${stderr}`));
      else resolve(tids);
    });
  });
}

function entries(index: OidIndex): [number, number][] {
  return [...index.entries()];
}

/** After a kill: the checks of the module comment; returns the tids in the file. */
async function verify(dataPath: string, reported: readonly Tid[]): Promise<Tid[]> {
  const saved = loadIndexFile(`${dataPath}.index`);
  if (saved !== undefined) {
    const rebuilt = rebuildIndex(dataPath, { end: saved.end });
    expect(rebuilt.lastTid).toBe(saved.lastTid);
    expect(entries(rebuilt.index)).toEqual(entries(saved.index));
    expect(entries(rebuilt.deleted)).toEqual(entries(saved.deleted));
  }
  const storage = new FileStorage(dataPath);
  try {
    const inFile = [...storage.iterator()].map((t) => t.tid);
    expect(inFile.slice(0, reported.length)).toEqual(reported);
    expect(inFile.length - reported.length).toBeGreaterThanOrEqual(0);
    expect(inFile.length - reported.length).toBeLessThanOrEqual(1);
    expect([...storage.check()].filter((f) => f.severity === 'error')).toEqual([]);
    for (const r of storage.recordIterator()) expect(r.data.length).toBeGreaterThan(0);
    return inFile;
  } finally {
    await storage.close();
  }
}

async function lane(lane: number, kills: number): Promise<number> {
  const dataPath = path.join(root, `lane-${lane}`, 'Data.fs');
  fs.mkdirSync(path.dirname(dataPath));
  let committed: Tid[] = [];
  let reportedTotal = 0;
  for (let round = 0; round < kills; round++) {
    const seed = lane * 100_003 + round * 7919 + 1;
    const reported = await runAndKill(dataPath, seed);
    reportedTotal += reported.length;
    committed = await verify(dataPath, [...committed, ...reported]);
  }
  return reportedTotal;
}

describe('FileStorage crash safety', () => {
  it(`keeps exactly the committed transactions across ${KILLS} SIGKILLs at random moments`, async () => {
    const perLane = Math.ceil(KILLS / LANES);
    const reported = await Promise.all(Array.from({ length: LANES }, (_, i) => lane(i, perLane)));
    process.stdout.write(
      `crash test: ${perLane * LANES} kills, ${reported.reduce((a, b) => a + b)} commits reported\n`,
    );
    expect(reported.reduce((a, b) => a + b)).toBeGreaterThan(0);
  }, 600_000);
});
