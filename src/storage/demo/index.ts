/**
 * DemoStorage: a layer of changes over a base storage.
 *
 * @module
 */

export { DemoStorage } from './demo-storage.js';
export type { DemoStorageOptions } from './demo-storage.js';
