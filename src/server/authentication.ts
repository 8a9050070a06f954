/**
 * Client authentication: a shared token, and/or users with scrypt-hashed
 * passwords read from a file of `user:salt:hash` lines (salt and hash in
 * hex). Secrets are compared in constant time (`timingSafeEqual` of equal-
 * length digests), so a wrong guess takes as long as a right one.
 *
 * @module
 */

import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AuthenticationError } from '../errors.js';
import type { AuthMode, RegisterArgs } from '../protocol/messages.js';
import { PASSWORD_HASH_BYTES, PASSWORD_SALT_BYTES } from './limits.js';

/** One user of a password file. */
export interface PasswordEntry {
  readonly salt: Buffer;
  readonly hash: Buffer;
}

/** How the server authenticates clients. */
export interface AuthenticationOptions {
  /** A shared secret every client must present. */
  readonly token?: string | undefined;
  /** Users and their password hashes (see {@link parsePasswordFile}). */
  readonly passwords?: ReadonlyMap<string, PasswordEntry> | undefined;
}

function scryptAsync(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, PASSWORD_HASH_BYTES, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/**
 * A password-file line for `user` with a new random salt.
 *
 * @example
 * ```ts
 * await fs.appendFile('users', (await hashPasswordLine('alice', 's3cret')) + '\n');
 * ```
 */
export async function hashPasswordLine(user: string, password: string): Promise<string> {
  if (user === '' || user.includes(':') || /\s/.test(user)) {
    throw new RangeError(`user name "${user}" must be non-empty without ':' or spaces`);
  }
  const salt = randomBytes(PASSWORD_SALT_BYTES);
  const hash = await scryptAsync(password, salt);
  return `${user}:${salt.toString('hex')}:${hash.toString('hex')}`;
}

/**
 * Reads a password file's text: one `user:salt:hash` per line; blank lines
 * and `#` comments are skipped.
 *
 * @throws AuthenticationError naming the line that is malformed.
 */
export function parsePasswordFile(
  text: string,
  source = '<passwords>',
): Map<string, PasswordEntry> {
  const users = new Map<string, PasswordEntry>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^([^:\s]+):([0-9a-fA-F]+):([0-9a-fA-F]{64})$/.exec(line);
    if (match === null) {
      throw new AuthenticationError(
        `${source}:${index + 1}: expected user:salt:hash (hex salt, 64 hex digits of hash)`,
      );
    }
    users.set(match[1]!, {
      salt: Buffer.from(match[2]!, 'hex'),
      hash: Buffer.from(match[3]!, 'hex'),
    });
  });
  return users;
}

/** {@link parsePasswordFile} of a file. */
export function readPasswordFile(path: string): Map<string, PasswordEntry> {
  return parsePasswordFile(readFileSync(path, 'utf8'), path);
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Checks the credentials of `register` requests. */
export class Authenticator {
  private readonly tokenDigest: Buffer | undefined;
  private readonly passwords: ReadonlyMap<string, PasswordEntry> | undefined;
  /** A hash to compare against for unknown users, so they take as long as known ones. */
  private readonly decoy: PasswordEntry = {
    salt: randomBytes(PASSWORD_SALT_BYTES),
    hash: randomBytes(PASSWORD_HASH_BYTES),
  };

  constructor(options: AuthenticationOptions = {}) {
    this.tokenDigest = options.token === undefined ? undefined : digest(options.token);
    this.passwords = options.passwords;
  }

  /** What `hello` announces: `password` when a password file is set, else `token` or `none`. */
  get mode(): AuthMode {
    if (this.passwords !== undefined) return 'password';
    return this.tokenDigest !== undefined ? 'token' : 'none';
  }

  /**
   * Resolves with the authenticated user (`''` for a token or no
   * authentication) when the credentials are accepted. With both a token
   * and passwords configured, either is accepted.
   *
   * @throws AuthenticationError saying what was missing or wrong (never which part of a password pair).
   */
  async check(args: RegisterArgs): Promise<string> {
    if (this.mode === 'none') return '';
    if (this.tokenDigest !== undefined && args.token !== undefined) {
      if (timingSafeEqual(digest(args.token), this.tokenDigest)) return '';
      if (this.passwords === undefined || args.user === undefined) {
        throw new AuthenticationError('the token is wrong');
      }
    }
    if (this.passwords !== undefined && args.user !== undefined && args.password !== undefined) {
      const entry = this.passwords.get(args.user);
      const expected = entry ?? this.decoy;
      const actual = await scryptAsync(args.password, expected.salt);
      if (
        entry !== undefined &&
        actual.length === entry.hash.length &&
        timingSafeEqual(actual, entry.hash)
      ) {
        return args.user;
      }
      throw new AuthenticationError('unknown user or wrong password');
    }
    throw new AuthenticationError(
      this.mode === 'password'
        ? 'this server needs a user and password'
        : 'this server needs a token',
    );
  }
}
