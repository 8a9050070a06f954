/**
 * Bank transfers across processes: a server process serving a FileStorage
 * and three client processes making random transfers between accounts,
 * retrying on conflicts and disconnections, while the server is stopped
 * gracefully (SIGTERM) and started again on the same port, then killed
 * (SIGKILL) and started again. Money is never created or lost, every
 * client keeps working after each restart, and `zodb check` passes.
 */

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileStorage } from '../../src/storage/file/file-storage.js';
import { runZodbProcess } from '../cli/support/run-zodb.js';
import { openBank, totalBalance } from './support/bank.js';
import { LineChild } from './support/child-process.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';

const CLIENTS = 3;
const ACCOUNTS = 10;
const BALANCE = 1000;
/** Transfers each client commits in each phase (before, between and after the restarts). */
const PER_PHASE = 3;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zodb-integration-bank-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Waits until `client` has committed `count` transfers while connected at least `connections` times. */
function transfersAfter(client: LineChild, connections: number, count: number): Promise<string> {
  return client.waitForLine(
    () =>
      client.lines.filter((line) => {
        const match = /^ok (\d+)$/.exec(line);
        return match !== null && Number(match[1]) >= connections;
      }).length >= count,
    30_000,
  );
}

describe('bank transfers by client processes while the server restarts', () => {
  it('keeps the total balance, every client transfers after each restart, and zodb check passes', async () => {
    const dataPath = path.join(dir, 'Data.fs');
    await openBank(new FileStorage(dataPath, { create: true }), ACCOUNTS, BALANCE);

    let server: ServerProcess = await startServerProcess({ 1: dataPath });
    const clients = Array.from(
      { length: CLIENTS },
      (_, i) => new LineChild(`bank-child`, [server.address], `bank client ${i}`),
    );
    try {
      await Promise.all(clients.map((c) => transfersAfter(c, 1, PER_PHASE)));

      expect(await server.terminate()).toEqual({ code: 0, signal: null });
      server = await startServerProcess({ 1: dataPath }, server.port);
      await Promise.all(clients.map((c) => transfersAfter(c, 2, PER_PHASE)));

      expect(await server.kill()).toEqual({ code: null, signal: 'SIGKILL' });
      server = await startServerProcess({ 1: dataPath }, server.port);
      await Promise.all(clients.map((c) => transfersAfter(c, 3, PER_PHASE)));

      for (const client of clients) client.send('stop');
      const exits = await Promise.all(clients.map((c) => c.exited));
      expect(exits).toEqual(clients.map(() => ({ code: 0, signal: null })));
      expect(await server.terminate()).toEqual({ code: 0, signal: null });
    } finally {
      for (const client of clients) client.signal('SIGKILL');
      server.child.signal('SIGKILL');
    }

    for (const client of clients) {
      expect(client.lines.filter((line) => line.startsWith('error'))).toEqual([]);
    }
    expect(await totalBalance(new FileStorage(dataPath, { readOnly: true }))).toBe(
      ACCOUNTS * BALANCE,
    );
    const check = await runZodbProcess(['check', dataPath]);
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });
});
