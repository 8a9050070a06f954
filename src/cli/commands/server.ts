/**
 * `zodb server`: runs a storage server (ZEO's runzeo) for a Data.fs or the
 * storages of a configuration file, until SIGTERM or SIGINT, then shuts
 * down gracefully and exits 0. `--hash-password USER` instead prints a
 * password-file line for the password read from standard input.
 *
 * The server modules are imported when the command runs, so that the other
 * verbs do not pay for loading them.
 *
 * @module
 */

import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { ServerConfiguration } from '../../server/server-config.js';
import { action } from '../cli-context.js';
import type { CliContext, CommandTools, CommonOptions } from '../cli-context.js';
import { UsageError } from '../usage-error.js';

/** Where a server listens when neither the configuration nor the command line says. */
const DEFAULT_ADDRESS = '127.0.0.1:8100';

interface ServerCommandOptions extends CommonOptions {
  readonly config?: string;
  readonly name: string;
  readonly blobDir?: string;
  readonly address: string[];
  readonly unix: string[];
  readonly readOnly?: boolean;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly tokenFile?: string;
  readonly passwordFile?: string;
  readonly hashPassword?: string;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The `server` command. */
export function serverCommand(context: CliContext): Command {
  return new Command('server')
    .description('serve a Data.fs or configured storages to client storages (ZEO runzeo)')
    .argument('[database]', 'Data.fs path, served as storage "1" (or --name)')
    .option(
      '-C, --config <file>',
      'a configuration with a <zeo> section and named storage sections',
    )
    .option('--name <name>', 'the storage name clients register with, for a Data.fs path', '1')
    .option('--blob-dir <dir>', 'the blob directory of the Data.fs')
    .option(
      '-a, --address <host:port>',
      `listen on TCP (repeatable; default ${DEFAULT_ADDRESS})`,
      collect,
      [],
    )
    .option('-u, --unix <path>', 'listen on a Unix socket (repeatable)', collect, [])
    .option('--read-only', 'refuse every write')
    .option('--tls-cert <file>', 'serve TLS with this PEM certificate (needs --tls-key)')
    .option('--tls-key <file>', 'the PEM private key of --tls-cert')
    .option('--token-file <file>', 'clients must present the token in this file')
    .option(
      '--password-file <file>',
      'clients must log in as a user of this file (user:salt:hash lines)',
    )
    .option(
      '--hash-password <user>',
      'print a password-file line for the password read from standard input, and exit',
    )
    .action(
      action<ServerCommandOptions>(context, 'server', (args, options, tools) =>
        runServer(context, args, options, tools),
      ),
    );
}

async function runServer(
  context: CliContext,
  [target]: string[],
  options: ServerCommandOptions,
  { out }: CommandTools,
): Promise<void> {
  const serverModule = await import('../../server/index.js');
  const { hashPasswordLine, formatServerAddress, lineLog, parseServerConfiguration } = serverModule;
  if (options.hashPassword !== undefined) {
    const password = readFileSync(0, 'utf8').split(/\r?\n/)[0] ?? '';
    out.lines(await hashPasswordLine(options.hashPassword, password));
    return;
  }
  const config = withFlags(readConfiguration(target, options, parseServerConfiguration), options);
  const listen = [...options.address, ...options.unix];
  const log = lineLog((line) => context.io.stderr.write(`${line}\n`));
  const serverOptions = await serverModule.serverOptionsFromConfiguration(config, {
    listen: listen.length > 0 || config.listen.length > 0 ? listen : [DEFAULT_ADDRESS],
    readOnly: options.readOnly,
  });
  const server = await serverModule.StorageServer.start({ ...serverOptions, log });
  for (const address of server.addresses) {
    context.io.stdout.write(`listening on ${formatServerAddress(address)}\n`);
  }
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  await server.close(`the server received ${signal}`);
}

function readConfiguration(
  target: string | undefined,
  options: ServerCommandOptions,
  parseServerConfiguration: (text: string, source: string) => ServerConfiguration,
): ServerConfiguration {
  if ((target === undefined) === (options.config === undefined)) {
    throw new UsageError('give either a Data.fs path or --config FILE');
  }
  if (options.config !== undefined) {
    return parseServerConfiguration(readFileSync(options.config, 'utf8'), options.config);
  }
  const path = target as string;
  if (/[\r\n]/.test(path) || !/^[A-Za-z0-9_.\-:/@+*]+$/.test(options.name)) {
    throw new UsageError('the path must be one line and --name a plain name');
  }
  const blob = options.blobDir === undefined ? '' : `  blob-dir ${options.blobDir}\n`;
  return parseServerConfiguration(
    `<filestorage ${options.name}>\n  path ${path}\n${blob}</filestorage>\n`,
    path,
  );
}

function withFlags(
  config: ServerConfiguration,
  options: ServerCommandOptions,
): ServerConfiguration {
  if ((options.tlsCert === undefined) !== (options.tlsKey === undefined)) {
    throw new UsageError('--tls-cert and --tls-key go together');
  }
  return {
    ...config,
    tlsCertificate: options.tlsCert ?? config.tlsCertificate,
    tlsKey: options.tlsKey ?? config.tlsKey,
    tokenFile: options.tokenFile ?? config.tokenFile,
    token: options.tokenFile === undefined ? config.token : undefined,
    passwordFile: options.passwordFile ?? config.passwordFile,
  };
}
