/**
 * Every limit and default of the storage server, with its unit and reason.
 *
 * @module
 */

/**
 * A client whose socket holds more than this many unsent bytes is not read
 * from until it drains: a client that asks faster than it reads cannot make
 * the server buffer without bound.
 */
export const WRITE_BUFFER_BYTES_MAX = 8 << 20;

/** Default bound on a transaction holding the commit lock (vote to finish or abort). */
export const TRANSACTION_TIMEOUT_MS_DEFAULT = 30_000;

/** Default time a new connection has to register before it is closed (a peer that never registers cannot hold a connection). */
export const REGISTER_TIMEOUT_MS_DEFAULT = 30_000;

/** Default time `close()` waits for in-flight commits before aborting them. */
export const SHUTDOWN_TIMEOUT_MS_DEFAULT = 10_000;

/** Server-side iterators one connection may hold open at once. */
export const ITERATORS_PER_CONNECTION_MAX = 16;

/** Transactions one connection may have begun and not finished. */
export const TRANSACTIONS_PER_CONNECTION_MAX = 4;

/** Blob files one transaction may upload. */
export const BLOBS_PER_TRANSACTION_MAX = 100_000;

/** Buffered record bytes of one transaction waiting for its vote (larger commits must be split). */
export const TRANSACTION_BUFFER_BYTES_MAX = 1 << 30;

/** How long a closing connection may take to flush its last frames before it is destroyed. */
export const CLOSE_FLUSH_MS = 2_000;

/** scrypt key length of a password hash, in bytes. */
export const PASSWORD_HASH_BYTES = 32;

/** Salt length of a new password hash, in bytes. */
export const PASSWORD_SALT_BYTES = 16;

/**
 * Requests of one connection being answered asynchronously (blob reads,
 * votes, packs) beyond which the server stops reading that connection
 * until some finish: each may hold megabytes.
 */
export const ASYNC_REQUESTS_PER_CONNECTION_MAX = 32;
