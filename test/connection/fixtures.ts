/** Persistent classes shared by the connection tests (registered once). */
import { Persistent } from '../../src/persistent/index.js';
import { registerClass } from '../../src/serialize/class-registry.js';

export class Account extends Persistent {
  balance = 0;
  deposit(amount: number): void {
    this.balance += amount;
  }
  cash(amount: number): void {
    if (!(amount < this.balance)) throw new RangeError('insufficient funds');
    this.balance -= amount;
  }
}
registerClass(Account, 'test.Account');

export class Book extends Persistent {
  title: string;
  constructor(title: string) {
    super();
    this.title = title;
  }
}
registerClass(Book, 'test.Book');

export class Counter extends Persistent {
  count = 0;
  hit(): void {
    this.count = this.count + 1;
  }
  _p_resolveConflict(
    oldState: { count: number },
    savedState: { count: number },
    newState: { count: number },
  ) {
    const savedDiff = savedState.count - oldState.count;
    const newDiff = newState.count - oldState.count;
    return { ...newState, count: oldState.count + savedDiff + newDiff };
  }
}
registerClass(Counter, 'test.Counter');

export class Node extends Persistent {
  value: number;
  children: Node[] = [];
  constructor(value: number) {
    super();
    this.value = value;
  }
}
registerClass(Node, 'test.Node');

/** Not registered on purpose. */
export class Stray extends Persistent {
  x = 1;
}

/** A registered plain value class. */
export class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
}
registerClass(Point, 'test.Point');
