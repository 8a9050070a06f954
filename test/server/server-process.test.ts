/**
 * `zodb server` as a real process: it prints its addresses, answers a
 * client, and shuts down gracefully with exit status 0 on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bytes, commit, RawClient, tidOf } from './support/raw-client.js';

const repository = path.resolve(import.meta.dirname, '../..');
const main = path.join(repository, 'src/cli/main.ts');

describe('zodb server', () => {
  it('serves a Data.fs on TCP and a Unix socket, and exits 0 on SIGTERM after a graceful shutdown', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'zodb-server-process-'));
    const socketPath = path.join(dir, 'zodb.sock');
    const child = spawn(
      process.execPath,
      [
        '--conditions=source',
        '--import',
        'tsx',
        main,
        'server',
        path.join(dir, 'Data.fs'),
        '--address',
        '127.0.0.1:0',
        '--unix',
        socketPath,
      ],
      { cwd: repository, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /listening on 127\.0\.0\.1:(\d+)/.exec(stdout);
        if (match !== null && stdout.includes(socketPath)) resolve(Number(match[1]));
      });
      void exited.then((code) => reject(new Error(`zodb server exited with ${code}: ${stderr}`)));
    });

    const tcp = await RawClient.connect({ kind: 'tcp', host: '127.0.0.1', port, tls: false });
    await tcp.register({ client: 'process-test' });
    const tid = await commit(tcp, 1, [[1, 0n, bytes(1)]]);
    const unix = await RawClient.connect({ kind: 'unix', path: socketPath, tls: false });
    await unix.register();
    expect(tidOf(await unix.request('ping', []))).toBe(tid);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await Promise.all([tcp.closed, unix.closed]);
    expect(tcp.notifications('shutdown')).toEqual([['the server received SIGTERM']]);
    expect(stderr).toMatch(
      /Z INFO client registered peer=127\.0\.0\.1:\d+ storage=1 client=process-test/,
    );
    expect(stderr).toMatch(/INFO stopped/);
    rmSync(dir, { recursive: true, force: true });
  });
});
