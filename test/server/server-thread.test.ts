import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StorageError } from '../../src/errors.js';
import { startServerThread } from '../../src/server/server-thread.js';
import { bytes, commit, RawClient, tidOf } from './support/raw-client.js';

describe('a server thread', () => {
  it('serves the storages of a configuration text and stops gracefully', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zodb-server-thread-'));
    const lines: string[] = [];
    const server = await startServerThread({
      config: `<mappingstorage 1>\n</mappingstorage>\n<filestorage files>\n path ${join(dir, 'Data.fs')}\n</filestorage>`,
      onLog: (line) => lines.push(line),
    });
    expect(server.addresses).toMatchObject([{ kind: 'tcp', host: '127.0.0.1', tls: false }]);
    const client = await RawClient.connect(server.addresses[0]!);
    await client.register({ storage: 'files' });
    const tid = await commit(client, 1, [[1, 0n, bytes(1, 2)]]);
    expect(tidOf(await client.request('ping', []))).toBe(tid);
    await server.stop();
    await client.closed;
    expect(client.notifications('shutdown')).toHaveLength(1);
    expect(
      lines.some((line) =>
        / INFO client registered peer=127\.0\.0\.1:\d+ storage=files/.test(line),
      ),
    ).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails to start with a clear error for a bad configuration', async () => {
    const error = await startServerThread({ config: '<nostorage>\n</nostorage>' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StorageError);
    expect((error as Error).message).toMatch(/ConfigError: .*unknown section <nostorage>/);
  });
});
