/** The Blob class over a MappingStorage: data, transactions, MVCC, undo, history, pack. */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { finished, pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Blob, BlobError } from '../../src/blob/index.js';
import { OOBTree } from '../../src/btrees/index.js';
import { Persistent } from '../../src/persistent/index.js';
import { registerClass } from '../../src/serialize/class-registry.js';
import { blobDB, scratchDir } from './support.js';

class Document extends Persistent {
  title = '';
  content = new Blob();
  thumbnail = new Blob();
}
registerClass(Document, 'test.blobs.Document');

describe('blob data', () => {
  it('round-trips data written with write() and read back with read() and open("r")', async () => {
    const { open } = blobDB();
    const { conn, tm } = open();
    const blob = new Blob();
    await blob.write('hello blobs');
    conn.root.blob = blob;
    await tm.commit();
    const other = open();
    const loaded = other.conn.root.blob as Blob;
    expect((await loaded.read()).toString()).toBe('hello blobs');
    expect((await buffer(loaded.open('r'))).toString()).toBe('hello blobs');
  });

  it('streams data in with open("w") and appends with open("a")', async () => {
    const { open } = blobDB();
    const { conn, tm } = open();
    const blob = new Blob('start-');
    conn.root.blob = blob;
    await tm.commit();
    await pipeline(Readable.from(['middle-']), blob.open('a'));
    await tm.commit();
    const appended = blob.open('a');
    appended.end('end');
    await finished(appended);
    await tm.commit();
    expect((await blob.read()).toString()).toBe('start-middle-end');
    await pipeline(Readable.from(['replaced']), blob.open('w'));
    expect((await blob.read()).toString()).toBe('replaced');
  });

  it('keeps the committed file in the bushy layout, one file per revision', async () => {
    const { open, blobDir } = blobDB();
    const { conn, tm } = open();
    const blob = new Blob('v1');
    conn.root.blob = blob;
    await tm.commit();
    const first = blob.committed();
    await blob.write('v2');
    await tm.commit();
    const second = blob.committed();
    expect(second).not.toBe(first);
    const parts = relative(blobDir, second).split(sep);
    expect(parts).toHaveLength(9);
    expect(parts.slice(0, 8).every((p) => /^0x[0-9a-f]{2}$/.test(p))).toBe(true);
    expect(parts[8]).toMatch(/^[0-9a-f]{16}\.blob$/);
    expect(readFileSync(first, 'utf8')).toBe('v1');
    expect(readFileSync(second, 'utf8')).toBe('v2');
    expect((await buffer(blob.open('c'))).toString()).toBe('v2');
  });

  it('reads an empty new blob as empty', async () => {
    expect((await new Blob().read()).length).toBe(0);
  });

  it('supports several blobs per object and blobs inside BTrees', async () => {
    const { open } = blobDB();
    const { conn, tm } = open();
    const doc = new Document();
    await doc.content.write('body');
    await doc.thumbnail.write('thumb');
    const tree = new OOBTree<string, Blob>();
    tree.set('a', new Blob('in a tree'));
    conn.root.doc = doc;
    conn.root.tree = tree;
    await tm.commit();
    const other = open().conn;
    const loadedDoc = other.root.doc as Document;
    expect((await loadedDoc.content.read()).toString()).toBe('body');
    expect((await loadedDoc.thumbnail.read()).toString()).toBe('thumb');
    const loadedTree = other.root.tree as OOBTree<string, Blob>;
    expect((await loadedTree.get('a')!.read()).toString()).toBe('in a tree');
  });

  it('consumes an existing file by moving it', async () => {
    const { open } = blobDB();
    const { conn, tm } = open();
    const source = join(scratchDir(), 'upload.bin');
    writeFileSync(source, 'uploaded');
    const blob = new Blob();
    conn.root.blob = blob;
    blob.consumeFile(source);
    expect(existsSync(source)).toBe(false);
    await tm.commit();
    expect(readFileSync(blob.committed(), 'utf8')).toBe('uploaded');
  });
});

describe('blobs in transactions', () => {
  it('abort discards the uncommitted file and restores the committed data', async () => {
    const { open, blobDir } = blobDB();
    const { conn, tm } = open();
    const blob = new Blob('kept');
    conn.root.blob = blob;
    await tm.commit();
    await blob.write('dropped');
    const tmpFiles = (): number => readdir(join(blobDir, 'tmp'));
    expect(tmpFiles()).toBe(1);
    await tm.abort();
    expect(tmpFiles()).toBe(0);
    expect((await blob.read()).toString()).toBe('kept');
  });

  it('an old snapshot reads the old blob version while a newer one is committed', async () => {
    const { open } = blobDB();
    const writer = open();
    const blob = new Blob('old');
    writer.conn.root.blob = blob;
    await writer.tm.commit();
    const reader = open();
    reader.tm.begin();
    const seen = reader.conn.root.blob as Blob;
    expect((await seen.read()).toString()).toBe('old');
    await blob.write('new');
    await writer.tm.commit();
    seen._p_invalidate();
    expect((await seen.read()).toString()).toBe('old');
    await reader.tm.abort();
    expect((await seen.read()).toString()).toBe('new');
  });

  it('undo restores the previous blob data; history lists the revisions', async () => {
    const { db, open } = blobDB();
    const { conn, tm } = open();
    const blob = new Blob('first');
    conn.root.blob = blob;
    await tm.commit();
    await blob.write('second');
    await tm.commit();
    expect(db.history(blob, 10)).toHaveLength(2);
    db.undo(db.undoLog(0, 1)[0]!.id, tm.get());
    await tm.commit();
    expect(db.history(blob, 10)).toHaveLength(3);
    expect((await blob.read()).toString()).toBe('first');
  });

  it('refuses to open a blob for writing twice, and to commit an open writer', async () => {
    const { open } = blobDB();
    const { conn, tm } = open();
    const blob = new Blob();
    conn.root.blob = blob;
    const stream = blob.open('w');
    expect(() => blob.open('w')).toThrow(BlobError);
    expect(() => blob.open('r')).toThrow(/already open for writing/);
    await expect(tm.commit()).rejects.toThrow(BlobError);
    stream.destroy();
  });

  it('an uncommitted blob cannot be read from another connection', async () => {
    const { open } = blobDB();
    const { conn } = open();
    const blob = new Blob('private');
    conn.add(blob);
    const oid = blob._p_oid!;
    expect(() => open().conn.get(oid)).toThrow(/no revision|no object/);
  });

  it('committed() refuses a blob with uncommitted changes or never committed', async () => {
    const { open } = blobDB();
    const { conn, tm } = open();
    const blob = new Blob('x');
    expect(() => blob.committed()).toThrow(/never committed|uncommitted/);
    conn.root.blob = blob;
    await tm.commit();
    await blob.write('y');
    expect(() => blob.committed()).toThrow(/uncommitted changes/);
  });
});

describe('pack', () => {
  it('removes the files of removed revisions and unreachable blobs, and nothing else', async () => {
    const { db, open, storage } = blobDB();
    const { conn, tm } = open();
    const kept = new Blob('v1');
    const dropped = new Blob('gone');
    conn.root.kept = kept;
    conn.root.dropped = dropped;
    await tm.commit();
    const oldFile = kept.committed();
    const droppedFile = dropped.committed();
    await kept.write('v2');
    delete conn.root.dropped;
    await tm.commit();
    const current = kept.committed();
    await db.pack();
    expect(existsSync(oldFile)).toBe(false);
    expect(existsSync(droppedFile)).toBe(false);
    expect(readFileSync(current, 'utf8')).toBe('v2');
    expect(storage.loadBlob(kept._p_oid!, kept._p_serial)).toBe(current);
  });
});

function readdir(dir: string): number {
  return existsSync(dir) ? readdirSync(dir).length : 0;
}

describe('savepoints', () => {
  it('rolling back to a savepoint restores the blob data of the savepoint', async () => {
    const { open } = blobDB();
    const { conn, tm } = open();
    const blob = new Blob('committed');
    conn.root.blob = blob;
    await tm.commit();
    await blob.write('at savepoint');
    const savepoint = tm.savepoint();
    await blob.write('after savepoint');
    savepoint.rollback();
    expect((await blob.read()).toString()).toBe('at savepoint');
    await blob.write('again');
    savepoint.rollback();
    expect((await blob.read()).toString()).toBe('at savepoint');
    await tm.commit();
    expect(readFileSync(blob.committed(), 'utf8')).toBe('at savepoint');
  });

  it('rolling back drops blob data written after the savepoint', async () => {
    const { open } = blobDB();
    const { conn, tm } = open();
    const blob = new Blob('committed');
    conn.root.blob = blob;
    await tm.commit();
    const savepoint = tm.savepoint();
    await blob.write('after savepoint');
    savepoint.rollback();
    expect((await blob.read()).toString()).toBe('committed');
  });
});
