import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  ProtocolError,
  ReadOnlyError,
  StorageError,
} from '../../src/errors.js';
import { hashPasswordLine, parsePasswordFile } from '../../src/server/authentication.js';
import { MappingStorage } from '../../src/storage/mapping/mapping-storage.js';
import { RawClient, tidOf } from './support/raw-client.js';
import { startTestServer } from './support/test-server.js';

describe('the handshake', () => {
  it('starts with hello naming the protocol, the storages and the authentication', async () => {
    const t = await startTestServer();
    const client = await t.connect();
    await client.until(() => client.frames.length > 0);
    expect(client.frames[0]).toEqual([
      3,
      'hello',
      [{ protocol: 'zodb-ts/1', server: expect.any(String), storages: ['1'], auth: 'none' }],
    ]);
    await t.close();
  });

  it('registers a client and reports the storage, its capabilities and a cold cache verdict', async () => {
    const t = await startTestServer();
    const client = await t.connect();
    const reply = await client.register({ client: 'test-suite' });
    expect(reply).toMatchObject({
      readOnly: false,
      name: '1',
      supports: {
        undo: true,
        iterator: true,
        restore: true,
        recordIterator: true,
        deleteObject: true,
      },
      cache: 'dropped',
      missed: [],
    });
    expect(tidOf(reply.lastTid)).toBe(0n);
    expect(
      t.log.entries.some(
        (e) => e.message === 'client registered' && e.fields.client === 'test-suite',
      ),
    ).toBe(true);
    await t.close();
  });

  it('refuses requests before register with AuthenticationError and closes the connection', async () => {
    const t = await startTestServer();
    const client = await t.connect();
    await expect(client.request('load', [0, 1n, 0])).rejects.toBeInstanceOf(AuthenticationError);
    await client.closed;
    expect(
      t.log.entries.some((e) => e.level === 'WARN' && String(e.fields.reason).includes('before')),
    ).toBe(true);
    await t.close();
  });

  it('refuses commit notifications before register and closes the connection', async () => {
    const t = await startTestServer();
    const client = await t.connect();
    client.notify('tpcBegin', [1, { user: '', description: '', extension: {} }, null]);
    await client.closed;
    expect(client.notifications('error')[0]?.[0]).toMatchObject({ type: 'AuthenticationError' });
    await t.close();
  });

  it('refuses an unknown protocol version naming the one it speaks', async () => {
    const t = await startTestServer();
    const client = await t.connect();
    await expect(client.register({ protocol: 'zodb-ts/99' })).rejects.toThrow(/zodb-ts\/1/);
    await client.closed;
    await t.close();
  });

  it('refuses an unknown storage name, naming the served ones', async () => {
    const t = await startTestServer();
    const client = await t.connect();
    const error = await client.register({ storage: 'nope' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as Error).message).toContain('"1"');
    await t.close();
  });

  it('refuses a second register on the same connection', async () => {
    const t = await startTestServer();
    const client = await t.client();
    await expect(client.register()).rejects.toBeInstanceOf(ProtocolError);
    await client.closed;
    await t.close();
  });
});

describe('token authentication', () => {
  it('accepts the right token and refuses a wrong or missing one', async () => {
    const t = await startTestServer({ authentication: { token: 's3cret' } });
    const good = await t.connect();
    await expect(good.register({ token: 's3cret' })).resolves.toMatchObject({ name: '1' });
    const wrong = await t.connect();
    await expect(wrong.register({ token: 'guess' })).rejects.toBeInstanceOf(AuthenticationError);
    await wrong.closed;
    const missing = await t.connect();
    await expect(missing.register()).rejects.toThrow(/needs a token/);
    expect(t.log.entries.filter((e) => e.message === 'register refused')).toHaveLength(2);
    await t.close();
  });
});

describe('password authentication', () => {
  it('accepts a user whose scrypt hash matches and refuses wrong passwords and unknown users', async () => {
    const line = await hashPasswordLine('alice', 'wonderland');
    expect(line).toMatch(/^alice:[0-9a-f]+:[0-9a-f]{64}$/);
    const t = await startTestServer({
      authentication: { passwords: parsePasswordFile(`# users\n${line}\n`) },
    });
    const good = await t.connect();
    await good.until(() => good.frames.length > 0);
    expect((good.frames[0]![2] as any[])[0].auth).toBe('password');
    await expect(good.register({ user: 'alice', password: 'wonderland' })).resolves.toMatchObject({
      name: '1',
    });
    const wrong = await t.connect();
    await expect(wrong.register({ user: 'alice', password: 'x' })).rejects.toBeInstanceOf(
      AuthenticationError,
    );
    const unknown = await t.connect();
    await expect(unknown.register({ user: 'bob', password: 'wonderland' })).rejects.toThrow(
      'unknown user or wrong password',
    );
    await t.close();
  });

  it('refuses a malformed password file naming the line', () => {
    expect(() => parsePasswordFile('alice:zz', 'users.txt')).toThrow(/users.txt:1/);
  });
});

describe('read-only service', () => {
  it('refuses a writing registration on a read-only server and accepts a read-only one', async () => {
    const t = await startTestServer({ readOnly: true });
    const writer = await t.connect();
    await expect(writer.register()).rejects.toBeInstanceOf(ReadOnlyError);
    const reader = await t.connect();
    await expect(reader.register({ readOnly: true })).resolves.toMatchObject({ readOnly: true });
    await expect(reader.request('newOids', [1])).rejects.toBeInstanceOf(ReadOnlyError);
    await t.close();
  });

  it('applies per storage', async () => {
    const t = await startTestServer({
      storages: new Map([
        ['1', new MappingStorage()],
        ['archive', new MappingStorage()],
      ]),
      readOnlyStorages: ['archive'],
    });
    await expect((await t.connect()).register()).resolves.toMatchObject({ readOnly: false });
    await expect((await t.connect()).register({ storage: 'archive' })).rejects.toBeInstanceOf(
      ReadOnlyError,
    );
    await t.close();
  });

  it('reports a commit on a read-only connection as ReadOnlyError at vote', async () => {
    const t = await startTestServer();
    const reader = await t.client({ readOnly: true });
    reader.notify('tpcBegin', [1, { user: '', description: '', extension: {} }, null]);
    reader.notify('store', [1, 1, 0n, new Uint8Array([1])]);
    await expect(reader.request('vote', [1])).rejects.toBeInstanceOf(ReadOnlyError);
    expect(t.storage.lastTransaction()).toBe(0n);
    await t.close();
  });
});

describe('TLS', () => {
  let dir: string;
  let cert: string;
  let key: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'zodb-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    key = readFileSync(join(dir, 'key.pem'), 'utf8');
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves a client that verifies the certificate, on TCP and on a Unix socket', async () => {
    const socketPath = join(dir, 'zodb.sock');
    const t = await startTestServer({
      listen: [
        { host: '127.0.0.1', port: 0, tls: { cert, key } },
        { path: socketPath, tls: { cert, key } },
      ],
    });
    for (const address of t.server.addresses) {
      expect(address.tls).toBe(true);
      const client = await RawClient.connect(address, { ca: cert });
      await expect(client.register()).resolves.toMatchObject({ name: '1' });
      await expect(client.request('ping', [])).resolves.toBeInstanceOf(Uint8Array);
      await client.close();
    }
    await t.close();
  });

  it('logs a client that does not speak TLS and keeps serving others', async () => {
    const t = await startTestServer({
      listen: [{ host: '127.0.0.1', port: 0, tls: { cert, key } }],
    });
    const address = t.server.addresses[0]!;
    const plain = await RawClient.connect({ ...address, tls: false });
    plain.writeRaw(Buffer.from('not a TLS hello at all, just bytes\n'));
    await plain.closed;
    const client = await RawClient.connect(address, { ca: cert });
    await expect(client.register()).resolves.toMatchObject({ name: '1' });
    expect(t.log.entries.some((e) => e.message === 'TLS handshake failed')).toBe(true);
    await t.close();
  });
});
