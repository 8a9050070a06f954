/**
 * Simulated I/O failures for FileStorage tests: makes `fs.writeSync` fail
 * with ENOSPC ("no space left on device") for files whose path matches,
 * the way a full disk would. Patches Node's `fs` module and publishes the
 * change to ES-module importers with `syncBuiltinESMExports`.
 */

import type * as NodeFs from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';

const require = createRequire(import.meta.url);
const fsModule = require('node:fs') as typeof NodeFs;

/** Makes writes to files whose path satisfies `matches` fail until the returned function is called. */
export function failWritesTo(matches: (path: string) => boolean): () => void {
  const originalOpen = fsModule.openSync;
  const originalWrite = fsModule.writeSync;
  const failing = new Set<number>();
  fsModule.openSync = ((path: Parameters<typeof originalOpen>[0], ...rest: unknown[]) => {
    const fd = (originalOpen as (...args: unknown[]) => number)(path, ...rest);
    if (matches(String(path))) failing.add(fd);
    return fd;
  }) as typeof originalOpen;
  fsModule.writeSync = ((fd: number, ...rest: unknown[]) => {
    if (failing.has(fd)) {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), {
        code: 'ENOSPC',
        errno: -28,
        syscall: 'write',
      });
    }
    return (originalWrite as (...args: unknown[]) => number)(fd, ...rest);
  }) as typeof originalWrite;
  syncBuiltinESMExports();
  return () => {
    fsModule.openSync = originalOpen;
    fsModule.writeSync = originalWrite;
    syncBuiltinESMExports();
  };
}
