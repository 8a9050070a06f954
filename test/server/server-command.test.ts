/** `zodb server` run in-process: the command-line mistakes it refuses (exit status 2). */
import { describe, expect, it } from 'vitest';
import { runZodb } from '../cli/support/run-zodb.js';

describe('zodb server refuses', () => {
  it('neither a path nor a configuration', async () => {
    const run = await runZodb(['server']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('zodb server: give either a Data.fs path or --config FILE\n');
  });

  it('both a path and a configuration', async () => {
    const run = await runZodb(['server', 'Data.fs', '-C', 'server.conf']);
    expect(run.status).toBe(2);
  });

  it('a TLS certificate without its key', async () => {
    const run = await runZodb(['server', 'Data.fs', '--tls-cert', 'cert.pem']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--tls-cert and --tls-key go together');
  });

  it('a configuration file that does not exist, with status 1', async () => {
    const run = await runZodb(['server', '-C', '/nonexistent/server.conf']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('/nonexistent/server.conf');
  });
});
