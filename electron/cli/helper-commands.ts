/**
 * `netplumb helper install|uninstall` and `netplumb doctor`: the one-command
 * setup that lets normal users use netplumb, and the report of what is
 * present or missing.
 */
import { existsSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { installHelper, uninstallHelper, type InstallSources } from '../kernel/install/helper-install';
import { GROUP, HELPER_DIR } from '../kernel/install/paths';
import { plainMessage } from '../kernel/plain-error';
import { execaRunner } from '../kernel/runner';
import { findAppRoot } from './app-root';
import type { ParsedArgs } from './args';
import { EXIT, err, out } from './command';
import { HELPER_HELP } from './helper-help';
import { bold, green, red } from './output';
import { NETPLUMB_VERSION } from './version';

const appRoot = () => findAppRoot(path.dirname(fileURLToPath(import.meta.url)));

/** Where install copies from: this checkout's bundle and packaging/. */
export function installSources(root = appRoot()): InstallSources {
  let nodePty: string | undefined;
  try {
    nodePty = path.dirname(createRequire(path.join(root, 'package.json')).resolve('node-pty/package.json'));
  } catch {
    nodePty = undefined; // optional: terminals then use the fallback
  }
  return {
    helper: path.join(root, 'dist', 'privileged-helper.mjs'),
    launcher: path.join(root, 'packaging', 'netplumb-helper'),
    policy: path.join(root, 'packaging', 'org.netplumb.helper.policy'),
    ...(existsSync(path.join(root, 'dist', 'nsread')) ? { reader: path.join(root, 'dist', 'nsread') } : {}),
    ...(nodePty ? { nodePty } : {}),
  };
}

/** The user to add to the group: --user, else whoever ran sudo. */
function targetUser(args: ParsedArgs): string | undefined {
  if (typeof args.flags.user === 'string') return args.flags.user;
  const fromSudo = process.env.SUDO_USER;
  return fromSudo && process.env.SUDO_UID !== '0' ? fromSudo : undefined;
}

/** Runs `netplumb helper ...`. */
export async function helperCommand(args: ParsedArgs): Promise<number> {
  const sub = args.positionals[0];
  const print = (s: string) => out(`  ${s}`);
  try {
    if (sub === 'install') {
      const node = typeof args.flags.node === 'string' ? args.flags.node : realpathSync(process.execPath);
      if (!path.isAbsolute(node) || !existsSync(node))
        return (err(red(`--node must be the absolute path of node (got "${node}")`)), EXIT.invalid);
      const user = targetUser(args);
      const m = await installHelper({
        runner: execaRunner,
        sources: installSources(),
        node: realpathSync(node),
        version: NETPLUMB_VERSION,
        print,
        ...(user ? { user } : {}),
      });
      out(
        `${green('✓')} netplumb's privileged helper ${NETPLUMB_VERSION} is installed in ${HELPER_DIR} (runs ${m.node}).`,
      );
      out(
        m.sudoers
          ? `Members of the "${GROUP}" group can now use netplumb without root.`
          : `pkexec can start it in a desktop session (install sudo for terminals, then run this again).`,
      );
      if (user) out(`${user} is in the group: log out and in again, then check with: npx netplumb doctor`);
      else
        out(
          `Add users with: sudo usermod -aG ${GROUP} NAME (they log out and in again), then: npx netplumb doctor`,
        );
      return EXIT.ok;
    }
    if (sub === 'uninstall') {
      const removed = await uninstallHelper({ runner: execaRunner, print });
      if (removed) out(`${green('✓')} netplumb's privileged helper is uninstalled.`);
      return EXIT.ok;
    }
    err(HELPER_HELP);
    return EXIT.invalid;
  } catch (e) {
    err(red(`netplumb helper ${sub}: ${plainMessage(e)}`));
    return EXIT.invalid;
  }
}

/** Runs `netplumb doctor`. */
export async function doctorCommand(args: ParsedArgs): Promise<number> {
  const { gatherFacts } = await import('../kernel/install/doctor-facts');
  const { doctorChecks } = await import('../kernel/install/doctor');
  const checks = doctorChecks(await gatherFacts(appRoot(), NETPLUMB_VERSION));
  const failed = checks.filter((c) => c.ok === false);
  if (args.flags.json) out(JSON.stringify({ ok: failed.length === 0, checks }, null, 2));
  else {
    for (const c of checks) {
      const mark = c.ok === true ? green('✓') : c.ok === 'note' ? '·' : red('✗');
      out(`${mark} ${bold(c.title)}: ${c.detail}`);
      if (c.fix && c.ok !== true) out(`    fix: ${c.fix}`);
    }
    out(
      failed.length
        ? red(`${failed.length} thing${failed.length === 1 ? '' : 's'} to fix (see "fix:" above).`)
        : green('Everything netplumb needs is in place.'),
    );
  }
  return failed.length ? EXIT.invalid : EXIT.ok;
}
