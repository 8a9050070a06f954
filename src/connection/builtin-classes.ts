/**
 * The classes the database itself stores, registered under their stable
 * names: the root object and the persistent containers.
 *
 * @module
 */

import { PersistentList } from '../persistent/list.js';
import { PersistentMapping } from '../persistent/mapping.js';
import { Persistent } from '../persistent/persistent.js';
import { registerClass } from '../serialize/class-registry.js';

/**
 * The class of the root object (oid 0). Its attributes are the database's
 * top-level names: `conn.root.accounts = new PersistentMapping()`. Type them
 * with the generic of `db.open<MyRoot>()`.
 */
export class Root extends Persistent {
  [name: string]: unknown;
}

/**
 * The root type when `db.open()` is not given one: any attribute, any value,
 * so untyped code (and the tutorial) reads naturally. Pass your own shape to
 * `db.open<MyRoot>()` for checked access.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- deliberate: the untyped default
export type UntypedRoot = Record<string, any>;

registerClass(Root, 'zodb.Root');
registerClass(PersistentMapping, 'zodb.PersistentMapping', {
  aliases: ['persistent.mapping.PersistentMapping'],
});
registerClass(PersistentList, 'zodb.PersistentList', {
  aliases: ['persistent.list.PersistentList'],
});
