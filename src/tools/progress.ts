/**
 * How long-running tools report progress: a callback with the work done
 * and the total, in units the tool chooses (bytes, transactions, objects).
 *
 * @module
 */

/** Called now and then during long work; `total` is 0 when unknown. */
export type ProgressCallback = (done: number, total: number) => void;
