/**
 * A user-space cache of aligned blocks of a data file, for loads.
 *
 * A `pread` costs several microseconds on the machines measured whatever its
 * size up to 16 KiB (`limits.ts`, {@link READ_CACHE_BLOCK_BYTES}), and
 * objects are mostly loaded in about the order they were written (a cold
 * cache walking a container, the conflict checks of a commit updating the
 * objects of an earlier one). Reading a whole block on a miss and serving
 * the following records of that block from memory turns one system call per
 * record into one per block: Python's FileStorage gets the same effect from
 * its buffered file object.
 *
 * Coherence is the owner's job, in two parts (see `DataFile.cacheableEnd`):
 * - only bytes below a limit the storage sets are ever cached, and the
 *   storage sets it to the end of its durable, published transactions,
 *   whose bytes never change while the file is open (a pack writes a new
 *   file);
 * - every write and truncation through the owning `DataFile` drops the
 *   blocks it touches ({@link BlockCache.invalidate}), so even a write below
 *   the limit could not leave stale bytes behind.
 *
 * A miss reads the whole block only when the previous miss was in the same
 * or a neighbouring block; otherwise the caller reads just what it asked
 * for, so random loads cost what they did without the cache.
 *
 * Blocks are evicted first in, first out; an evicted block's buffer is
 * reused by the block that replaces it, so a warm cache allocates nothing.
 *
 * @module
 */

/** Reads up to `length` bytes at `position` into `into` (from 0); returns how many were read. */
export type BlockFill = (into: Uint8Array, position: number, length: number) => number;

/** One cached block. */
interface CachedBlock {
  /** Block number: the block holds the file bytes from `number * blockBytes` on. */
  number: number;
  readonly bytes: Buffer;
  /** The same memory as a plain `Uint8Array` (whose `slice` copies, unlike a Buffer's). */
  readonly plain: Uint8Array;
  /** A view over `bytes`. */
  readonly view: DataView;
  /** How many bytes from the block's start are cached (less at the limit or the end of the file). */
  valid: number;
}

/** The cache of one open file; see the module comment. */
export class BlockCache {
  private readonly blocks = new Map<number, CachedBlock>();
  /** Every block ever made, in the order they are reused (first in, first out). */
  private readonly ring: CachedBlock[] = [];
  private nextVictim = 0;
  private last: CachedBlock | undefined;
  private lastMiss = -2;

  /** A cache of up to `capacity` blocks of `blockBytes` bytes each. */
  constructor(
    private readonly blockBytes: number,
    private readonly capacity: number,
  ) {}

  /**
   * Copies the bytes `[position, position + length)`, as far as they lie
   * below `limit`, into `into` from offset `offset`, filling missing blocks
   * with `fill`. Returns the number of bytes copied: fewer than `length`
   * when the range reaches `limit` or the file ends first.
   */
  read(
    into: Uint8Array,
    offset: number,
    position: number,
    length: number,
    limit: number,
    fill: BlockFill,
  ): number {
    const wanted = Math.min(length, limit - position);
    let done = 0;
    while (done < wanted) {
      const at = position + done;
      const number = Math.floor(at / this.blockBytes);
      const inBlock = at - number * this.blockBytes;
      const count = Math.min(wanted - done, this.blockBytes - inBlock);
      let block = this.last?.number === number ? this.last : this.blocks.get(number);
      if (block === undefined && !this.worthFilling(number)) return done;
      if (block === undefined || block.valid < inBlock + count) {
        block = this.load(number, limit, fill, block);
        if (block.valid < inBlock + count) {
          // The file ends inside the range: copy what there is, the caller reads the rest.
          if (block.valid > inBlock) {
            block.bytes.copy(into, offset + done, inBlock, block.valid);
            done += block.valid - inBlock;
          }
          return done;
        }
      }
      this.last = block;
      block.bytes.copy(into, offset + done, inBlock, inBlock + count);
      done += count;
    }
    return done;
  }

  /**
   * When `[position, position + length)` lies below `limit` inside one
   * cached block, returns where: the block's bytes are then
   * {@link locatedBytes} (with {@link locatedView} over them) and
   * `position` is at the returned offset, valid until the next call of any
   * method. -1 when the range crosses a block boundary or `limit`, or its
   * block is not cached (or cached short of it): {@link read} then decides
   * whether to fill it. Reads nothing and leaves the miss history alone.
   */
  locate(position: number, length: number, limit: number): number {
    if (position + length > limit) return -1;
    const number = Math.floor(position / this.blockBytes);
    const inBlock = position - number * this.blockBytes;
    if (inBlock + length > this.blockBytes) return -1;
    const block = this.last?.number === number ? this.last : this.blocks.get(number);
    if (block === undefined || block.valid < inBlock + length) return -1;
    this.last = block;
    return inBlock;
  }

  /** The bytes of the block {@link locate} found last (a plain `Uint8Array`). */
  get locatedBytes(): Uint8Array {
    return this.last!.plain;
  }

  /** A view over {@link locatedBytes}, for reading wider integers. */
  get locatedView(): DataView {
    return this.last!.view;
  }

  /** Drops every block holding a byte of `[position, position + length)`. */
  invalidate(position: number, length: number): void {
    if (this.blocks.size === 0 || length <= 0) return;
    const first = Math.floor(position / this.blockBytes);
    const last = Math.floor((position + length - 1) / this.blockBytes);
    if (last - first + 1 > this.blocks.size) {
      for (const block of this.blocks.values()) {
        if (block.number >= first && block.number <= last) this.drop(block);
      }
      return;
    }
    for (let number = first; number <= last; number++) {
      const block = this.blocks.get(number);
      if (block !== undefined) this.drop(block);
    }
  }

  /** Drops every block. */
  clear(): void {
    this.blocks.clear();
    this.last = undefined;
  }

  /** Number of blocks cached (for tests and measurements). */
  get blockCount(): number {
    return this.blocks.size;
  }

  /**
   * Whether a miss on block `number` should read the whole block: only when
   * the previous miss was in the same or a neighbouring block (reads with
   * locality), so that random loads keep reading just their record.
   */
  private worthFilling(number: number): boolean {
    const near = Math.abs(number - this.lastMiss) <= 1;
    this.lastMiss = number;
    return near;
  }

  private drop(block: CachedBlock): void {
    this.blocks.delete(block.number);
    if (this.last === block) this.last = undefined;
  }

  /** Reads block `number` (into `stale`'s buffer when refreshing a short block). */
  private load(
    number: number,
    limit: number,
    fill: BlockFill,
    stale: CachedBlock | undefined,
  ): CachedBlock {
    const start = number * this.blockBytes;
    const block = stale ?? this.freeBlock();
    block.number = number;
    block.valid = 0;
    this.blocks.set(number, block);
    block.valid = fill(block.bytes, start, Math.min(this.blockBytes, limit - start));
    return block;
  }

  /** A block to fill: a new one until the capacity is reached, then the oldest. */
  private freeBlock(): CachedBlock {
    if (this.ring.length < this.capacity) {
      const bytes = Buffer.allocUnsafeSlow(this.blockBytes);
      const plain = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const block = { number: -1, bytes, plain, view, valid: 0 };
      this.ring.push(block);
      return block;
    }
    const victim = this.ring[this.nextVictim]!;
    this.nextVictim = (this.nextVictim + 1) % this.capacity;
    if (this.blocks.get(victim.number) === victim) this.drop(victim);
    return victim;
  }
}
