/**
 * `zodb check`: the structural check of each Data.fs (fstest's job), the
 * reference check listing dangling references (fsrefs,
 * multi-zodb-check-refs) and the check of every BTree. Exits 1 when it
 * finds a problem.
 *
 * @module
 */

import * as fs from 'node:fs';
import { Command } from 'commander';
import { oidRepr, tidRepr } from '../../ids.js';
import type { CheckFinding } from '../../storage/file/check.js';
import { checkDataFile } from '../../storage/file/check.js';
import type { Storage } from '../../storage/interfaces.js';
import type { BTreeFinding } from '../../tools/btree-check.js';
import { checkBTrees } from '../../tools/btree-check.js';
import type { ReferenceFinding } from '../../tools/reference-check.js';
import { checkReferences } from '../../tools/reference-check.js';
import { action } from '../cli-context.js';
import type { CliContext, CommandTools, CommonOptions } from '../cli-context.js';
import type { TargetOptions } from '../target.js';
import { resolveTarget, withTargetOptions } from '../target.js';
import { UsageError } from '../usage-error.js';

interface CheckOptions extends CommonOptions, TargetOptions {
  readonly structure: boolean;
  readonly references: boolean;
  readonly btrees: boolean;
}

/** The `check` command. */
export function checkCommand(context: CliContext): Command {
  return withTargetOptions(new Command('check'))
    .description('check the file structure, dangling references and every BTree')
    .argument('[database]', 'Data.fs path or URI')
    .option('--no-structure', 'skip the structural check of the data files')
    .option('--no-references', 'skip the check for dangling references')
    .option('--no-btrees', 'skip the check of BTrees')
    .action(action<CheckOptions>(context, 'check', runCheck));
}

async function runCheck(
  [target]: string[],
  options: CheckOptions,
  tools: CommandTools,
): Promise<void> {
  const factory = await resolveTarget(target, options);
  for (const file of factory.dataFiles) {
    if (!fs.existsSync(file)) throw new UsageError(`no database file at ${file}`);
  }
  const structure = options.structure ? factory.dataFiles.map((file) => checkStructure(file)) : [];
  let storage: Storage | undefined;
  let openError: string | undefined;
  try {
    storage = await factory.open({ readOnly: true });
  } catch (error) {
    openError = error instanceof Error ? error.message : String(error);
  }
  let references: ReferenceFinding[] | undefined;
  let btrees: { findings: BTreeFinding[]; structures: number } | undefined;
  try {
    if (storage !== undefined && options.references) references = runReferenceCheck(storage, tools);
    if (storage !== undefined && options.btrees) btrees = runBTreeCheck(storage, tools);
  } finally {
    await storage?.close();
  }
  const problems =
    structure.reduce((n, s) => n + s.findings.filter((f) => f.severity === 'error').length, 0) +
    (openError === undefined ? 0 : 1) +
    (references?.length ?? 0) +
    (btrees?.findings.length ?? 0);
  report(tools, { structure, openError, references, btrees, problems });
  if (problems > 0) tools.fail(`${problems} problem${problems === 1 ? '' : 's'} found`);
}

function checkStructure(file: string): { file: string; bytes: number; findings: CheckFinding[] } {
  return { file, bytes: fs.statSync(file).size, findings: [...checkDataFile(file)] };
}

function runReferenceCheck(storage: Storage, tools: CommandTools): ReferenceFinding[] {
  const progress = tools.progress('references');
  const findings = [...checkReferences(storage, { onProgress: progress.update })];
  progress.stop();
  return findings;
}

function runBTreeCheck(
  storage: Storage,
  tools: CommandTools,
): { findings: BTreeFinding[]; structures: number } {
  const progress = tools.progress('btrees');
  const findings: BTreeFinding[] = [];
  const run = checkBTrees(storage, { onProgress: progress.update });
  for (let step = run.next(); ; step = run.next()) {
    if (step.done === true) {
      progress.stop();
      return { findings, structures: step.value.structures };
    }
    findings.push(step.value);
  }
}

interface CheckResult {
  readonly structure: readonly { file: string; bytes: number; findings: readonly CheckFinding[] }[];
  readonly openError: string | undefined;
  readonly references: readonly ReferenceFinding[] | undefined;
  readonly btrees:
    { readonly findings: readonly BTreeFinding[]; readonly structures: number } | undefined;
  readonly problems: number;
}

function report(tools: CommandTools, result: CheckResult): void {
  const { out } = tools;
  for (const { file, bytes, findings } of result.structure) {
    out.lines(
      `structure of ${file}: ${findings.length === 0 ? `ok (${bytes} bytes)` : `${findings.length} finding(s)`}`,
    );
    for (const f of findings) out.lines(`  ${f.severity} at offset ${f.offset}: ${f.message}`);
  }
  if (result.openError !== undefined) out.lines(`storage: cannot be opened: ${result.openError}`);
  if (result.references !== undefined) {
    out.lines(
      `references: ${result.references.length === 0 ? 'ok' : `${result.references.length} problem(s)`}`,
    );
    for (const f of result.references) out.lines(`  ${describeReferenceFinding(f)}`);
  }
  if (result.btrees !== undefined) {
    const { findings, structures } = result.btrees;
    out.lines(
      `btrees: ${structures} structure(s) checked, ${findings.length === 0 ? 'ok' : `${findings.length} problem(s)`}`,
    );
    for (const f of findings)
      out.lines(`  ${f.className} ${oidRepr(f.oid)} ${f.path}: ${f.message}`);
  }
  out.document({
    problems: result.problems,
    structure: result.structure.map(({ file, bytes, findings }) => ({
      file,
      bytes,
      findings: findings.map((f) => ({
        ...f,
        tid: f.tid === undefined ? undefined : tidRepr(f.tid),
        oid: f.oid === undefined ? undefined : oidRepr(f.oid),
      })),
    })),
    openError: result.openError ?? null,
    references:
      result.references?.map((f) =>
        f.kind === 'dangling-reference'
          ? { ...f, oid: oidRepr(f.oid), missing: oidRepr(f.missing) }
          : { ...f, oid: oidRepr(f.oid) },
      ) ?? null,
    btrees:
      result.btrees === undefined
        ? null
        : {
            structures: result.btrees.structures,
            findings: result.btrees.findings.map((f) => ({ ...f, oid: oidRepr(f.oid) })),
          },
  });
}

function describeReferenceFinding(f: ReferenceFinding): string {
  if (f.kind === 'unreadable-record') return `${oidRepr(f.oid)}: unreadable record: ${f.message}`;
  const state = f.missingState === 'deleted' ? 'deleted' : 'never existed';
  return `${oidRepr(f.oid)} (${f.className}) refers to missing ${oidRepr(f.missing)} (${state})`;
}
