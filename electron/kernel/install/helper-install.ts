/**
 * `netplumb helper install` / `uninstall`: puts the bundled privileged helper
 * in a root-owned directory (/usr/lib/netplumb), with its launcher, the polkit
 * action, a `netplumb` group and a sudoers rule that lets that group start the
 * launcher without a password (the model is Wireshark's group for dumpcap).
 *
 * Idempotent: installing again replaces the files and keeps what the first
 * install recorded. Everything made is listed in a manifest, and uninstall
 * removes exactly that: a group that existed before is left alone.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Runner } from '../runner';
import { PlainError } from '../plain-error';
import { addToGroup, createGroup, deleteGroup, readGroup, removeFromGroup } from './groups';
import { GROUP, installPaths, sudoersRule, type InstallPaths } from './paths';
import { assertRootChain, ensureRootDir, stageRootFile, writeRootFile } from './root-files';
import { nodePtyFiles } from './node-pty-files';

/** What the install copies, from the checkout or package. */
export interface InstallSources {
  /** dist/privileged-helper.mjs */
  helper: string;
  /** packaging/netplumb-helper */
  launcher: string;
  /** packaging/org.netplumb.helper.policy */
  policy: string;
  /** dist/nsread, when `cc` built it (reads a lab with one process instead of one `ip` per namespace). */
  reader?: string;
  /** node_modules/node-pty, when installed (terminals with a real pty). */
  nodePty?: string;
}

export interface InstallOptions {
  runner: Runner;
  sources: InstallSources;
  /** The node binary the launcher will run (its real path is recorded). */
  node: string;
  version: string;
  /** A user to add to the group (the one who ran sudo). */
  user?: string;
  /** Tests only: install under this directory instead of `/`. */
  prefix?: string;
  print?: (line: string) => void;
}

/** What an install made, kept in the manifest for doctor and uninstall. */
export interface Manifest {
  version: string;
  helperSha256: string;
  node: string;
  /** Files written (real paths, without the prefix). */
  files: string[];
  /** Directories created, top first. */
  dirs: string[];
  createdGroup: boolean;
  addedUsers: string[];
  sudoers: boolean;
}

/** The sha256 of a file, hex. */
export function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Reads the manifest of an install under `prefix`, or undefined. */
export function readManifest(prefix = '/'): Manifest | undefined {
  try {
    return JSON.parse(readFileSync(installPaths(prefix).manifest, 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

/** The launcher with node's path written in (checked: it ends up in a shell script). */
export function launcherText(template: string, node: string): string {
  // Why the character check: the path is pasted into a script root runs.
  if (!/^\/[A-Za-z0-9._+/-]+$/.test(node))
    throw new PlainError(`node's path "${node}" has characters the launcher cannot hold safely`);
  if (!/^NODE=.*$/m.test(template)) throw new Error('the launcher template has no NODE= line');
  return template.replace(/^NODE=.*$/m, `NODE=${node}`);
}

/** Is visudo there to check the rule? (Without it, no rule is written.) */
async function haveVisudo(runner: Runner): Promise<boolean> {
  const r = await runner(['visudo', '--version'], { timeoutMs: 10_000 });
  return r.exitCode === 0;
}

function requireRootFor(prefix: string, what: string): void {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new PlainError(`${what} needs root: run \`sudo npx netplumb helper ${what.split(' ').pop()}\``);
  }
  if (!existsSync(prefix)) throw new PlainError(`${prefix} does not exist`);
}

/** Installs (or reinstalls) the helper. Returns the manifest written. */
export async function installHelper(o: InstallOptions): Promise<Manifest> {
  const prefix = o.prefix ?? '/';
  const p = installPaths(prefix);
  const print = o.print ?? (() => undefined);
  requireRootFor(prefix, 'helper install');
  // Why: the name becomes an argument of usermod; one starting with "-" would be read as an option.
  if (o.user && !/^[A-Za-z_][A-Za-z0-9_.-]{0,31}\$?$/.test(o.user))
    throw new PlainError(`"${o.user.slice(0, 40)}" is not a user name`);
  const before = readManifest(prefix);
  if (!before && existsSync(p.launcher)) {
    throw new PlainError(
      `${p.launcher} exists but was not installed by "netplumb helper install" (the netplumb package installs it): nothing changed`,
    );
  }
  if (!existsSync(o.sources.helper))
    throw new PlainError(`the bundled helper ${o.sources.helper} is missing: run \`npm run build\` first`);
  // Why: root will run this node for every helper start; a node a user can replace is a root shell for that user.
  assertRootChain(o.node, `node (${o.node})`);
  const rel = (f: string) => '/' + path.relative(prefix, f);
  const dirs = [...(before?.dirs ?? [])];
  const files: string[] = [];
  const mkdir = (d: string) => {
    for (const made of ensureRootDir(prefix, d)) if (!dirs.includes(rel(made))) dirs.push(rel(made));
  };
  const put = (file: string, data: string | Uint8Array, mode: number) => {
    mkdir(path.dirname(file));
    writeRootFile(file, data, mode);
    files.push(rel(file));
  };

  put(p.helper, readFileSync(o.sources.helper), 0o644);
  // Why a root-owned copy next to the helper: the helper runs nsread as root
  // on every read, so it must never run one from the user's checkout.
  if (o.sources.reader && existsSync(o.sources.reader)) {
    put(p.reader, readFileSync(o.sources.reader), 0o755);
    print('copied the native namespace reader (nsread)');
  } else
    print('nsread was not built (no C compiler at install time): reads use one ip process per namespace');
  put(p.launcher, launcherText(readFileSync(o.sources.launcher, 'utf8'), o.node), 0o755);
  put(p.policy, readFileSync(o.sources.policy), 0o644);
  const pty = o.sources.nodePty ? nodePtyFiles(o.sources.nodePty) : undefined;
  rmSync(p.nodePty, { recursive: true, force: true }); // stale copy of an older install
  if (pty) {
    for (const f of pty) put(path.join(p.nodePty, f), readFileSync(path.join(o.sources.nodePty!, f)), 0o644);
    print(`copied node-pty (${pty.length} files) for terminals with a real pty`);
  } else print('node-pty is not installed here: terminals will use the fallback without a pty');

  let createdGroup = before?.createdGroup ?? false;
  if (!readGroup(GROUP, prefix)) {
    await createGroup(o.runner, GROUP, prefix);
    createdGroup = true;
    print(`created the group "${GROUP}"`);
  }
  const addedUsers = [...(before?.addedUsers ?? [])];
  if (o.user && o.user !== 'root') {
    if (!readGroup(GROUP, prefix)?.members.includes(o.user)) {
      await addToGroup(o.runner, o.user, GROUP, prefix);
      if (!addedUsers.includes(o.user)) addedUsers.push(o.user);
      print(`added ${o.user} to the group "${GROUP}" (log out and in again for it to take effect)`);
    }
  }

  let sudoers = false;
  if (await haveVisudo(o.runner)) {
    mkdir(p.sudoersDir);
    // Why visudo first: a broken drop-in would lock every user out of sudo.
    const tmp = stageRootFile(p.sudoers, sudoersRule(), 0o440);
    const check = await o.runner(['visudo', '-cf', tmp], { timeoutMs: 10_000 });
    if (check.exitCode !== 0) {
      rmSync(tmp, { force: true });
      throw new PlainError(
        `visudo refused the sudo rule, so it was not installed: ${(check.stderr || check.stdout).trim()}`,
      );
    }
    renameSync(tmp, p.sudoers);
    files.push(rel(p.sudoers));
    sudoers = true;
  } else {
    print(
      'sudo is not installed, so no sudo rule was written (pkexec can still start the helper in a desktop session)',
    );
  }

  const manifest: Manifest = {
    version: o.version,
    helperSha256: sha256File(p.helper),
    node: o.node,
    files,
    dirs,
    createdGroup,
    addedUsers,
    sudoers,
  };
  // Files of an older install that this one no longer writes (e.g. node-pty gone).
  for (const old of before?.files ?? [])
    if (!files.includes(old)) rmSync(path.join(prefix, old), { force: true });
  writeRootFile(p.manifest, JSON.stringify(manifest, null, 2) + '\n', 0o644);
  return manifest;
}

/** Removes what the install made; says what it removed. */
export async function uninstallHelper(o: {
  runner: Runner;
  prefix?: string;
  print?: (line: string) => void;
}): Promise<boolean> {
  const prefix = o.prefix ?? '/';
  const p: InstallPaths = installPaths(prefix);
  const print = o.print ?? (() => undefined);
  requireRootFor(prefix, 'helper uninstall');
  const m = readManifest(prefix);
  if (!m) {
    print(
      existsSync(p.launcher)
        ? `${p.launcher} was not installed by "netplumb helper install" (remove the netplumb package instead): nothing changed`
        : 'the helper is not installed: nothing to remove',
    );
    return false;
  }
  for (const f of m.files) rmSync(path.join(prefix, f), { force: true });
  rmSync(p.manifest, { force: true });
  // Directories only when this install made them and they are empty now.
  for (const d of [...m.dirs].reverse()) removeEmptyTree(path.join(prefix, d));
  if (m.createdGroup && readGroup(GROUP, prefix)) {
    await deleteGroup(o.runner, GROUP, prefix);
    print(`removed the group "${GROUP}"`);
  } else {
    for (const u of m.addedUsers)
      if (readGroup(GROUP, prefix)?.members.includes(u)) await removeFromGroup(o.runner, u, GROUP, prefix);
  }
  print(`removed the helper, its launcher, the polkit action${m.sudoers ? ' and the sudo rule' : ''}`);
  return true;
}

/** Removes `dir` when it holds nothing but empty directories. */
function removeEmptyTree(dir: string): void {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir, { withFileTypes: true }))
    if (e.isDirectory()) removeEmptyTree(path.join(dir, e.name));
  if (readdirSync(dir).length === 0) rmdirSync(dir);
}
