import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/errors.js';
import { encodeMessage } from '../../src/protocol/codec.js';
import { bytes, commit, META, type RawClient } from './support/raw-client.js';
import { startTestServer, type TestServer } from './support/test-server.js';

/** Runs `attack` on a fresh connection while a well-behaved client keeps committing and loading. */
async function survives(
  t: TestServer,
  attack: (peer: RawClient) => Promise<void>,
): Promise<RawClient> {
  const good = await t.client();
  const peer = await t.connect();
  const before = t.storage.lastTransaction();
  await attack(peer);
  await peer.closed;
  const tid = await commit(good, 1, [[1, before, bytes(7)]]);
  expect((await good.request('load', [1, tid, 0])).rec[0]).toBe(1);
  await good.close();
  return peer;
}

function warned(t: TestServer, text: string): boolean {
  return t.log.entries.some((e) => e.level === 'WARN' && String(e.fields.reason).includes(text));
}

describe('hostile peers are refused, logged and disconnected without affecting other clients', () => {
  it('a frame announcing more than the limit', async () => {
    const t = await startTestServer({ maxFrameBytes: 1024 });
    const peer = await survives(t, async (p) => {
      p.writeRaw(Buffer.from([0, 0, 4, 1]));
    });
    expect(peer.notifications('error')[0]?.[0]).toMatchObject({ type: 'ProtocolError' });
    expect(warned(t, 'more than the limit of 1024')).toBe(true);
    await t.close();
  });

  it('garbage that is not MessagePack', async () => {
    const t = await startTestServer();
    await survives(t, async (p) => {
      p.writeRaw(Buffer.from([0, 0, 0, 3, 0xc1, 0xc1, 0xc1]));
    });
    expect(warned(t, 'MessagePack')).toBe(true);
    await t.close();
  });

  it('a payload that is not a message', async () => {
    const t = await startTestServer();
    await survives(t, async (p) => {
      p.writePayload({ hello: 'world' });
    });
    expect(warned(t, 'array of 3 or 4 items')).toBe(true);
    await t.close();
  });

  it('an unknown request method, answered with a ProtocolError', async () => {
    const t = await startTestServer();
    await survives(t, async (p) => {
      await p.register();
      await expect(p.request('dropDatabase', [])).rejects.toBeInstanceOf(ProtocolError);
    });
    expect(warned(t, 'unknown request method "dropDatabase"')).toBe(true);
    await t.close();
  });

  it('an unknown notification', async () => {
    const t = await startTestServer();
    await survives(t, async (p) => {
      await p.register();
      p.notify('explode', []);
    });
    expect(warned(t, 'unknown notification "explode"')).toBe(true);
    await t.close();
  });

  it('arguments of the wrong types', async () => {
    const t = await startTestServer();
    await survives(t, async (p) => {
      await p.register();
      await expect(p.request('load', ['zero', 'now', -1])).rejects.toThrow(
        /request load argument 0 must be an oid/,
      );
    });
    await t.close();
  });

  it('a store whose data is a map, in the middle of a commit', async () => {
    const t = await startTestServer();
    await survives(t, async (p) => {
      await p.register();
      p.notify('tpcBegin', [1, META, null]);
      p.notify('store', [1, 1, 0n, { not: 'bytes' }]);
    });
    expect([...t.storage.loadAt(1, t.storage.lastTransaction())!.data!]).toEqual([7]);
    await t.close();
  });

  it('a tid that is not 8 bytes and a metadata map of the wrong shape', async () => {
    const t = await startTestServer();
    await survives(t, async (p) => {
      await p.register();
      await expect(p.request('loadBefore', [1, new Uint8Array(3)])).rejects.toBeInstanceOf(
        ProtocolError,
      );
    });
    await survives(t, async (p) => {
      await p.register();
      p.notify('tpcBegin', [1, { user: 5 }, null]);
    });
    await t.close();
  });

  it('a register whose map has no fields', async () => {
    const t = await startTestServer();
    await survives(t, async (p) => {
      await expect(p.request('register', [{}])).rejects.toBeInstanceOf(ProtocolError);
    });
    await t.close();
  });

  it('a peer that never registers, after the register timeout', async () => {
    const t = await startTestServer({ registerTimeoutMs: 50 });
    const peer = await t.connect();
    await peer.closed;
    expect(peer.notifications('error')[0]?.[0]).toMatchObject({ type: 'AuthenticationError' });
    expect(warned(t, 'no register within 50 ms')).toBe(true);
    await t.close();
  });

  it('a client that sends a reply', async () => {
    const t = await startTestServer();
    await survives(t, async (p) => {
      p.writeRaw(
        Buffer.concat([Buffer.from([0, 0, 0, 0]), Buffer.from(encodeMessage([1, 1, null]))]),
      );
    });
    expect(warned(t, 'empty payload')).toBe(true);
    const other = await survives(t, async (p) => p.writePayload([1, 1, null]));
    expect(other.notifications('error')[0]?.[0]).toMatchObject({
      message: 'a client may not send replies',
    });
    await t.close();
  });
});
