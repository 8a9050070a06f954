/**
 * Simulated I/O failures for FileStorage tests: writes failing with ENOSPC
 * ("no space left on device", a full disk) for files whose path matches,
 * and flushes failing with EIO. Patches Node's `fs` module and publishes
 * the change to ES-module importers with `syncBuiltinESMExports`.
 */

import type * as NodeFs from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';

const require = createRequire(import.meta.url);
const fsModule = require('node:fs') as typeof NodeFs;

/** Makes `fs.fdatasyncSync` fail with EIO until the returned function is called. */
export function failFlushes(): () => void {
  const original = fsModule.fdatasyncSync;
  fsModule.fdatasyncSync = () => {
    throw Object.assign(new Error('EIO: i/o error, fdatasync'), {
      code: 'EIO',
      errno: -5,
      syscall: 'fdatasync',
    });
  };
  syncBuiltinESMExports();
  return () => {
    fsModule.fdatasyncSync = original;
    syncBuiltinESMExports();
  };
}

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
