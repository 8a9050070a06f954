/**
 * Limits of the record format and codec, each with its unit and reason.
 *
 * @module
 */

/**
 * Deepest nesting of inline containers (objects, arrays, Maps, Sets, value
 * objects) in one state, counted from the state itself. Encoding and decoding
 * recurse once per level; past a few thousand levels the JavaScript stack
 * overflows, and such a state is better split into persistent objects.
 */
export const NESTING_DEPTH_MAX = 1000;

/**
 * Entries in a record's class table. Class indexes are stored in 2 bytes in
 * the reference table and in cross-database references.
 */
export const CLASS_TABLE_ENTRIES_MAX = 0xffff;

/**
 * Distinct persistent objects one record may reference, and objects one state
 * may hold inline: the reference and back-reference extensions store indexes
 * in at most 4 bytes.
 */
export const RECORD_INDEX_MAX = 0xffff_ffff;

/**
 * Largest ArrayBuffer the decoder keeps a view of between decodes (bytes):
 * records come in runs from one buffer (a storage's cached block, Node's
 * 8 KiB Buffer pool, the encoder's 16 KiB slabs), and the view saves two
 * objects per record; a larger buffer is not kept alive for that.
 */
export const KEPT_BUFFER_BYTES_MAX = 1024 * 1024;
