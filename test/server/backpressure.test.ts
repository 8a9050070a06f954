import { describe, expect, it } from 'vitest';
import { encodeMessageFrame } from '../../src/protocol/codec.js';
import { commit, RawClient, tidOf } from './support/raw-client.js';
import { startTestServer } from './support/test-server.js';

describe('backpressure', () => {
  it('stops handling the requests of a client that does not read its replies, and resumes when it reads', async () => {
    const t = await startTestServer();
    const writer = await t.client();
    const tid = await commit(writer, 1, [[1, 0n, new Uint8Array(1 << 20).fill(7)]]);
    const reader = await t.client();
    reader.socket.pause();
    const requests = 32;
    const frames = [];
    for (let id = 1000; id < 1000 + requests; id++)
      frames.push(encodeMessageFrame([0, id, 'load', [1, tid, 0]]));
    reader.socket.write(Buffer.concat(frames));

    const other = await RawClient.connect(t.server.addresses[0]!);
    await other.register();
    while (!t.log.entries.some((e) => e.message.startsWith('client does not read its replies'))) {
      expect(tidOf(await other.request('ping', []))).toBe(tid);
    }
    reader.socket.resume();
    await reader.until(
      () => reader.frames.filter((f) => f[0] === 1 && (f[1] as number) >= 1000).length === requests,
    );
    const replies = reader.frames.filter((f) => f[0] === 1 && (f[1] as number) >= 1000);
    expect(replies.map((f) => f[1])).toEqual(Array.from({ length: requests }, (_, i) => 1000 + i));
    await t.close();
  });
});
