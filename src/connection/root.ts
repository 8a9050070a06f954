/**
 * The root object: the one object every connection can reach without an oid
 * (it lives at oid 0). Its attributes are the database's top-level names:
 * `conn.root.accounts = new PersistentMapping()`.
 *
 * @module
 */

import { Persistent } from '../persistent/persistent.js';
import { registerClass } from '../serialize/class-registry.js';

/**
 * The class of the root object. Type your root's attributes with the
 * generic of `db.open<MyRoot>()`.
 */
export class Root extends Persistent {
  [name: string]: unknown;
}

registerClass(Root, 'zodb.Root');
