/**
 * Every limit and default of the client storage, with its unit and the
 * reason for its value.
 *
 * @module
 */

/** Default size of the client cache, in bytes (ZEO's default `cache-size`). */
export const CACHE_BYTES_DEFAULT = 20 * 1024 * 1024;

/**
 * Bytes a cached revision costs beyond its data (its map entry and fields),
 * so that a cache of many tiny records still respects its size.
 */
export const CACHE_REVISION_OVERHEAD_BYTES = 64;

/**
 * How long a read or commit waits for a connection to the server before
 * throwing ClientDisconnectedError, in milliseconds (ZEO's `wait_timeout`).
 */
export const WAIT_TIMEOUT_MS_DEFAULT = 30_000;

/** Default count of referenced objects the server may add to a load reply. */
export const NEIGHBOURS_DEFAULT = 64;

/** Default largest frame accepted from the server, in bytes (PROTOCOL.md). */
export const FRAME_BYTES_MAX_DEFAULT = 64 * 1024 * 1024;

/** First delay before reconnecting, in milliseconds; doubles on each failure. */
export const RECONNECT_DELAY_MS_MIN = 50;

/**
 * Longest delay between two reconnection attempts, in milliseconds: short
 * enough that a restarted server is found again within seconds.
 */
export const RECONNECT_DELAY_MS_MAX = 2_000;

/** How long a connected client waits for the server's `hello` and `register` reply, in milliseconds. */
export const HANDSHAKE_TIMEOUT_MS = 10_000;

/**
 * Interval of the idle heartbeat (`ping`), in milliseconds: detects a server
 * that vanished without closing the socket (a dead machine, a cut cable).
 */
export const HEARTBEAT_INTERVAL_MS = 30_000;

/**
 * Fewest siblings a load miss asks for (when neighbours are on): the next
 * uncached objects after the missed one in a recently loaded record that
 * refers to more objects than its load reply brought (`sibling-index.ts`).
 */
export const SIBLING_PREFETCH_MIN = 256;

/** Oids fetched per `newOids` request (the protocol allows 1 to 1000). */
export const NEW_OIDS_BATCH = 1000;

/**
 * Oids left in the current batch when the next batch is asked for, without
 * waiting: a whole batch, so the next batch is asked for as soon as one is
 * taken, and has the time of a whole batch (~10 ms of commit work for
 * small objects) to arrive even on a loaded machine.
 */
export const NEW_OIDS_REFILL_AT = NEW_OIDS_BATCH;

/**
 * Most commit notifications (stores, mostly) the main thread encodes into
 * one buffer before posting it to the network worker (buffers are also
 * posted before any other message, so their order with the rest is kept).
 */
export const NOTIFY_BATCH_COUNT = 1024;

/**
 * Encoded bytes after which that buffer is posted (see
 * {@link NOTIFY_BATCH_COUNT}): small enough that the worker and the server
 * start on the first stores of a large commit while the main thread still
 * serializes the rest, large enough that a 1,000-object commit costs only
 * a couple of posts.
 */
export const NOTIFY_BATCH_BYTES = 64 * 1024;

/**
 * Size of each batch buffer, in bytes: {@link NOTIFY_BATCH_BYTES} plus room
 * for the frame that crosses it (a larger record grows the buffer once).
 */
export const NOTIFY_BATCH_CAPACITY_BYTES = NOTIFY_BATCH_BYTES + 16 * 1024;

/** Largest blob chunk the client sends, in bytes (PROTOCOL.md: at most 1 MiB). */
export const BLOB_CHUNK_BYTES = 1024 * 1024;

/** Bytes asked per `blobRead` request (PROTOCOL.md: at most 4 MiB). */
export const BLOB_READ_BYTES = 4 * 1024 * 1024;

/** Transactions asked per `iterNext` round trip, bounded by their bytes. */
export const ITERATOR_BATCH_BYTES = 4 * 1024 * 1024;

/** Current records asked per `records` round trip. */
export const RECORD_ITERATOR_BATCH = 500;

/**
 * Rounds of client-side conflict resolution per vote: each round resolves
 * every conflict the server reported; a server that keeps reporting new
 * conflicts past this bound is answered with ConflictError.
 */
export const CONFLICT_RESOLUTION_ROUNDS_MAX = 10;

/** Interval of the persistent cache file's background save, in milliseconds. */
export const CACHE_FILE_SAVE_INTERVAL_MS = 60_000;
