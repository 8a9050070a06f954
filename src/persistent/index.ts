/**
 * `zodb/persistent`: the persistent base class, the persistent containers,
 * and the object-state constants.
 *
 * @module
 */

export { Persistent, type TrackingMode } from './persistent.js';
export { PersistentMapping } from './mapping.js';
export { PersistentList } from './list.js';
export {
  CHANGED,
  GHOST,
  UPTODATE,
  type PersistentJar,
  type PersistentObject,
  type PersistentStateCode,
  type PersistentStatus,
} from './interfaces.js';
export { isPersistent } from './slot.js';
