/**
 * The in-memory reference storage.
 *
 * @module
 */

export { MappingStorage } from './mapping-storage.js';
export type { MappingStorageOptions } from './mapping-storage.js';
