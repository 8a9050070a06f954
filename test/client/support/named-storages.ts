/**
 * Fresh `ClientStorage`s on the storages a test server serves as
 * `${prefix}0`, `${prefix}1`, ...: the storage factory the conformance
 * suite needs (every test a fresh storage, reopened by name).
 */
import { ClientStorage } from '../../../src/client/client-storage.js';
import type { Storage } from '../../../src/storage/interfaces.js';
import type { StorageFactory } from '../../storage/conformance.js';

export interface NamedStoragesOptions {
  /** The server's address (`host:port` or a socket path). */
  readonly address: string;
  /** The served storages' names are this prefix and a number. */
  readonly prefix: string;
  /** The first number to hand out (default 0). */
  readonly first?: number;
  /** How many storages the server has from `first` on (default: no limit). */
  readonly count?: number;
  /** The clients' `waitTimeout`, in seconds. */
  readonly waitTimeout: number;
}

/** Hands out the served storages one by one and reopens them by name. */
export class NamedClientStorages {
  private next: number;
  private readonly names = new WeakMap<Storage, string>();

  constructor(private readonly options: NamedStoragesOptions) {
    this.next = options.first ?? 0;
  }

  /** A client of the served storage `name`. */
  open(name: string, readOnly = false): ClientStorage {
    const storage = new ClientStorage({
      address: this.options.address,
      storage: name,
      readOnly,
      waitTimeout: this.options.waitTimeout,
    });
    this.names.set(storage, name);
    return storage;
  }

  /** A client of the next unused served storage. */
  fresh(): ClientStorage {
    const { first = 0, count = Infinity, prefix } = this.options;
    if (this.next >= first + count) throw new Error('the test server has no fresh storage left');
    return this.open(`${prefix}${this.next++}`);
  }

  /** The conformance suite's factory over these storages. */
  factory(): StorageFactory {
    const nameOf = (storage: Storage): string => {
      const name = this.names.get(storage);
      if (name === undefined) throw new Error('not a storage these clients opened');
      return name;
    };
    return {
      make: () => this.fresh(),
      reopen: (storage) => this.open(nameOf(storage)),
      openReadOnly: (storage) => this.open(nameOf(storage), true),
    };
  }
}
