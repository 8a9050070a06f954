/**
 * A storage server in a separate process (`server-child.ts`) serving
 * FileStorages, for the multi-process tests: started, stopped gracefully
 * with SIGTERM, killed with SIGKILL, and started again on the same port.
 */

import { LineChild, type ChildExit } from './child-process.js';

/** A running server process. */
export interface ServerProcess {
  /** `127.0.0.1:<port>`. */
  readonly address: string;
  /** The TCP port. */
  readonly port: number;
  /** The child process (its log is in `stderr`). */
  readonly child: LineChild;
  /** SIGTERM: graceful shutdown; resolves with how the process ended. */
  terminate(): Promise<ChildExit>;
  /** SIGKILL: the server dies with whatever it had in flight. */
  kill(): Promise<ChildExit>;
}

/**
 * Starts a server process for `storages` (name -> Data.fs path) on
 * 127.0.0.1:`port` (0: any free port) and waits until it listens.
 */
export async function startServerProcess(
  storages: Readonly<Record<string, string>>,
  port = 0,
): Promise<ServerProcess> {
  const child = new LineChild('server-child', [
    String(port),
    ...Object.entries(storages).map(([name, file]) => `${name}=${file}`),
  ]);
  const line = await child.waitForLine((l) => l.startsWith('listening '));
  const address = line.slice('listening '.length);
  return {
    address,
    port: Number(address.slice(address.lastIndexOf(':') + 1)),
    child,
    terminate() {
      child.signal('SIGTERM');
      return child.exited;
    },
    kill() {
      child.signal('SIGKILL');
      return child.exited;
    },
  };
}
