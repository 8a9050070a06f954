/**
 * Every limit and tuning constant of FileStorage, with its unit and the
 * reason for its value. Format constants (header sizes, magic) live in
 * `format.ts`; these are the choices this implementation makes.
 *
 * @module
 */

/**
 * Largest user, description or extension field of one transaction: the
 * transaction header stores each length in 2 bytes (ZODB raises the same
 * error for longer metadata).
 */
export const TRANSACTION_METADATA_BYTES_MAX = 0xffff;

/**
 * Bytes read at once when a load guesses the size of a record: one read of
 * the 42-byte header plus up to this many data bytes is faster than two
 * reads (measured: about 30 % on warm reads, `reference/node-measurements.md` 3).
 */
export const LOAD_READ_GUESS_BYTES = 512;

/**
 * Size of a block of the read cache of loads (`read-cache.ts`): a miss
 * reads the whole aligned block. A `pread` of 16 KiB costs about as much as
 * one of 500 bytes on the machines measured (7.8 against 7.3 us; 64 KiB:
 * 12.6 us), so loads of records written together (about a hundred
 * 150-byte records per block) pay one system call per block. (Random loads
 * do not fill blocks at all: see `read-cache.ts`.)
 */
export const READ_CACHE_BLOCK_BYTES = 16 << 10;

/** Blocks the read cache of one open data file keeps: 4 MiB. */
export const READ_CACHE_BLOCKS = 256;

/**
 * Size of the window a sequential scan (open, pack, check, iterator) reads
 * at once. Large enough that read syscalls cost little against parsing,
 * small enough to stay in the CPU caches.
 */
export const SCAN_WINDOW_BYTES = 1 << 20;

/**
 * A transaction's stored records are kept in memory up to this many bytes;
 * beyond it they spill to `Data.fs.tmp`, so a huge transaction does not need
 * its whole size in memory.
 */
export const TRANSACTION_BUFFER_MEMORY_BYTES_MAX = 16 << 20;

/**
 * The committer remembers the file ranges and tids of this many recently
 * finished transactions (`recent-transactions.ts`), so that the conflict
 * check of a store to a recently written object needs no read: one read is
 * 5 to 10 % of a whole small commit on fast disks. 24 bytes each.
 */
export const RECENT_TRANSACTIONS_MAX = 4096;

/** Chunk size for copying spilled transaction data and pack output. */
export const COPY_CHUNK_BYTES = 1 << 20;

/**
 * Number of records of the last transaction checked against a saved
 * `.index` before trusting it (ZODB checks five).
 */
export const INDEX_SANITY_RECORDS_CHECKED = 5;

/**
 * Pack yields to the event loop after reading this many bytes, so that a
 * long pack does not stall loads and commits of the same process.
 */
export const PACK_YIELD_EVERY_BYTES = 4 << 20;

/**
 * How many times pack starts over when transactions committed during the
 * pack refer to objects its garbage collection had found unreachable.
 * Each retry treats those objects as roots, so a second attempt almost
 * always succeeds; the bound keeps a pathological workload from looping.
 */
export const PACK_ATTEMPTS_MAX = 3;

/**
 * Pack copies the transactions committed while it ran, without the commit
 * lock, at most this many times before taking the lock for the rest: under
 * a steady stream of commits the catching up would otherwise never end.
 */
export const PACK_CATCH_UP_ROUNDS_MAX = 4;
