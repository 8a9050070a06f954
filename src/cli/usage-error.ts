/**
 * {@link UsageError}: the command line itself is wrong.
 *
 * @module
 */

import { ZODBError } from '../errors.js';

/**
 * Is returned when the arguments of a `zodb` command are wrong (a malformed
 * oid, a target and `--config` together, a missing repository). The command
 * exits with status 2, as for the argument errors commander reports.
 */
export class UsageError extends ZODBError {}
