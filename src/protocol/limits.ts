/**
 * Every limit and default of the wire protocol, with its unit and reason.
 * PROTOCOL.md states the same numbers; both sides import them from here.
 *
 * @module
 */

/** The protocol version string exchanged in `hello` and `register`. */
export const PROTOCOL_VERSION = 'zodb-ts/1';

/** Size of the big-endian length prefix of every frame. */
export const FRAME_HEADER_BYTES = 4;

/**
 * Default largest frame payload a receiver accepts: big enough for a
 * `iterNext` batch or a large record, small enough that a hostile peer
 * cannot make the receiver allocate without bound.
 */
export const MAX_FRAME_BYTES_DEFAULT = 64 << 20;

/** Largest `blobChunk` payload: blobs stream in pieces, never whole. */
export const BLOB_CHUNK_BYTES_MAX = 1 << 20;

/** Largest `blobRead` length: one reply stays far below the frame limit. */
export const BLOB_READ_BYTES_MAX = 4 << 20;

/** Largest `newOids` count in one request. */
export const NEW_OIDS_MAX = 1000;

/** The neighbours a `load` reply adds stop at this much record data. */
export const NEIGHBOURS_BYTES_MAX = 1 << 20;

/** Largest number of oids in one `prefetch` request. */
export const PREFETCH_OIDS_MAX = 10_000;

/** Largest `history` size a request may ask for. */
export const HISTORY_ENTRIES_MAX = 100_000;

/** Largest `records` batch (current records per request). */
export const RECORDS_BATCH_MAX = 10_000;

/** Default number of recent transactions whose oids the server remembers for cache verification. */
export const INVALIDATION_QUEUE_SIZE_DEFAULT = 10_000;

/** Largest request id (ids are unsigned 32-bit integers). */
export const REQUEST_ID_MAX = 0xffff_ffff;
