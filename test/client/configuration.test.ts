/**
 * The `<zeoclient>` section and the `zeo:` URI open working databases over
 * a storage server, with ZEO's option names; mistakes are ConfigErrors.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ClientStorage } from '../../src/client/client-storage.js';
import { ConfigError } from '../../src/config/config-error.js';
import { databaseFromString, resolveURI, storageFromString } from '../../src/config/index.js';
import { DB } from '../../src/connection/db.js';
import { roundTrip } from './support/clients.js';
import { useTempDirs } from './support/temp-dir.js';
import { startTestServer } from './support/test-server.js';

const tempDir = useTempDirs('zodb-client-config');
const server = await startTestServer([
  { name: '1', kind: 'mapping' },
  { name: 'other', kind: 'mapping' },
]);
const socketPath = path.join(tempDir(), 'server.sock');
const unixServer = await startTestServer([{ name: '1', kind: 'mapping' }], {
  unixPath: socketPath,
});
afterAll(async () => {
  await server.stop();
  await unixServer.stop();
});

describe('<zeoclient> configuration', () => {
  it('opens a database over the named storage of the server, with a persistent cache file from client and var', async () => {
    const cacheDir = tempDir();
    const db = await databaseFromString(`
      <zodb>
        <zeoclient>
          server ${server.address}
          storage other
          cache-size 10MB
          client app
          var ${cacheDir}
          wait-timeout 5
        </zeoclient>
      </zodb>`);
    expect(db.storage).toBeInstanceOf(ClientStorage);
    expect(await roundTrip(db, 'configured')).toBe('configured');
    await db.close();
    expect(fs.existsSync(path.join(cacheDir, 'app-other.zec'))).toBe(true);
  });

  it('opens read-only when the section says so', async () => {
    const storage = await storageFromString(`
      <zeoclient>
        server ${server.address}
        read-only true
      </zeoclient>`);
    expect(storage.isReadOnly()).toBe(true);
    await storage.close();
  });

  it('refuses a malformed server address with the place of the mistake', async () => {
    await expect(
      storageFromString(`
      <zeoclient>
        server localhost:notaport
      </zeoclient>`),
    ).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('zeo: URIs', () => {
  it('opens a database from zeo://host:port with parameters', async () => {
    const db = await DB.fromURI(`zeo://${server.address}?storage=1&cache_size=20MB&wait_timeout=5`);
    expect(await roundTrip(db, 'from a URI')).toBe('from a URI');
    await db.close();
  });

  it('opens a database over a Unix socket from zeo:///path', async () => {
    const db = await DB.fromURI(`zeo://${socketPath}`);
    expect(await roundTrip(db, 'over a socket')).toBe('over a socket');
    await db.close();
  });

  it('refuses an unknown parameter without connecting', async () => {
    await expect(resolveURI(`zeo://${server.address}?cache_sise=1MB`)).rejects.toBeInstanceOf(
      ConfigError,
    );
  });
});
