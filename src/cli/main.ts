#!/usr/bin/env node
/**
 * The `zodb` executable (package `bin`). See docs/cli.md.
 *
 * @module
 */

import { runCli } from './program.js';

process.exitCode = await runCli(process.argv.slice(2));
