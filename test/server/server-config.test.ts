import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { parseListenAddress } from '../../src/server/listen-address.js';
import {
  parseServerConfiguration,
  serverOptionsFromConfiguration,
} from '../../src/server/server-config.js';
import { StorageServer } from '../../src/server/storage-server.js';
import { RawClient } from './support/raw-client.js';

describe('the server configuration', () => {
  it('reads a <zeo> section with a list of addresses and named storages', async () => {
    const config = parseServerConfiguration(`
      <zeo>
        address 127.0.0.1:0   :0
        read-only true
        invalidation-queue-size 50
        transaction-timeout 2m
        authentication-token s3cret
      </zeo>
      <mappingstorage main>
      </mappingstorage>
      <mappingstorage other>
      </mappingstorage>`);
    expect(config).toMatchObject({
      listen: ['127.0.0.1:0', ':0'],
      readOnly: true,
      invalidationQueueSize: 50,
      transactionTimeoutMs: 120_000,
      token: 's3cret',
    });
    expect(config.storages.map((s) => s.name)).toEqual(['main', 'other']);
    const options = await serverOptionsFromConfiguration(config);
    expect([...options.storages.keys()]).toEqual(['main', 'other']);
    expect(options.listen).toEqual([
      { host: '127.0.0.1', port: 0, tls: undefined },
      { host: '127.0.0.1', port: 0, tls: undefined },
    ]);
    for (const storage of options.storages.values()) await storage.close();
  });

  it('names a single unnamed storage "1"', () => {
    expect(parseServerConfiguration('<mappingstorage>\n</mappingstorage>').storages[0]!.name).toBe(
      '1',
    );
  });

  it('refuses unknown keys, unnamed storages among several, and no storage', () => {
    expect(() =>
      parseServerConfiguration('<zeo>\n adress x:1\n</zeo>\n<mappingstorage>\n</mappingstorage>'),
    ).toThrow(ConfigError);
    expect(() =>
      parseServerConfiguration(
        '<mappingstorage>\n</mappingstorage>\n<mappingstorage b>\n</mappingstorage>',
      ),
    ).toThrow(/each needs a name/);
    expect(() => parseServerConfiguration('<zeo>\n</zeo>')).toThrow(/at least one storage/);
  });
});

describe('a server started from a configuration text', () => {
  it('serves its storages on its addresses', async () => {
    const server = await StorageServer.startFromConfiguration(
      '<zeo>\n address 127.0.0.1:0\n</zeo>\n<mappingstorage main>\n</mappingstorage>',
    );
    const client = await RawClient.connect(server.addresses[0]!);
    await expect(client.register({ storage: 'main' })).resolves.toMatchObject({ name: 'main' });
    await server.close();
    await client.closed;
  });

  it('without an address is refused', async () => {
    await expect(
      StorageServer.startFromConfiguration('<mappingstorage>\n</mappingstorage>'),
    ).rejects.toThrow(/at least one address/);
  });
});

describe('listen addresses', () => {
  it('are host:port, :port, [v6]:port or a socket path', () => {
    expect(parseListenAddress('localhost:8100')).toEqual({ host: 'localhost', port: 8100 });
    expect(parseListenAddress(':8100')).toEqual({ host: '127.0.0.1', port: 8100 });
    expect(parseListenAddress('[::1]:9')).toEqual({ host: '::1', port: 9 });
    expect(parseListenAddress('/run/zodb.sock')).toEqual({ path: '/run/zodb.sock' });
    expect(() => parseListenAddress('nowhere')).toThrow(ConfigError);
    expect(() => parseListenAddress('host:99999')).toThrow(ConfigError);
  });
});
