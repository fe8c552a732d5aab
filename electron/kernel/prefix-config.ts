/**
 * The per-user name prefix for shared machines: several students on one
 * host each put their own prefix in front of every kernel name (lab,
 * namespaces, bridges, interfaces), so their labs never collide.
 *
 * Where it comes from, first match wins: `--prefix P` on the command line,
 * `--no-prefix` (none), or `"prefix"` in ~/.config/netplumb/config.json of the
 * user who runs netplumb (under sudo: of the user who called sudo). No
 * environment variable sets it: a prefix should not change because a shell
 * happened to export something.
 *
 * Here, in the kernel side, because the app's handlers read and write the
 * same setting; the CLI applies it to a loaded file (cli/prefix-config.ts).
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { checkPrefix } from '../../shared/model';

/** The home directory of the user netplumb acts for (the sudo caller when run through sudo). */
export function userHome(passwd = '/etc/passwd'): string {
  const sudoUser = process.getuid?.() === 0 ? process.env.SUDO_USER : undefined;
  if (sudoUser && /^[a-z_][a-z0-9_.-]*\$?$/i.test(sudoUser)) {
    try {
      const line = readFileSync(passwd, 'utf8')
        .split('\n')
        .find((l) => l.split(':')[0] === sudoUser);
      const home = line?.split(':')[5];
      if (home) return home;
    } catch {
      // fall through to this process's home
    }
  }
  return homedir();
}

/** ~/.config/netplumb/config.json of that user. */
export const userConfigFile = (home = userHome()) => join(home, '.config', 'netplumb', 'config.json');

/** The prefix in effect: undefined for none, or an error in plain words. */
export function prefixSetting(
  args: { flags: Readonly<Record<string, string | true>> },
  configFile = userConfigFile(),
): { prefix?: string; source?: 'flag' | 'config'; error?: string } {
  if (args.flags['no-prefix']) return {};
  if (args.flags.prefix === true) return { error: '--prefix needs a value, e.g. --prefix al-' };
  if (typeof args.flags.prefix === 'string') {
    const bad = checkPrefix(args.flags.prefix);
    return bad ? { error: `--prefix: ${bad}` } : { prefix: args.flags.prefix, source: 'flag' };
  }
  let text: string;
  try {
    text = readFileSync(configFile, 'utf8');
  } catch {
    return {}; // no config file: no prefix
  }
  let value: unknown;
  try {
    value = (JSON.parse(text) as { prefix?: unknown }).prefix;
  } catch (e) {
    return { error: `${configFile} is not valid JSON: ${(e as Error).message}` };
  }
  if (value === undefined || value === '') return {};
  if (typeof value !== 'string') return { error: `${configFile}: "prefix" must be a string` };
  const bad = checkPrefix(value);
  return bad ? { error: `${configFile}: ${bad}` } : { prefix: value, source: 'config' };
}

/** The lab name with the prefix, unless it already carries it. */
export const prefixedLab = (lab: string, prefix?: string) =>
  prefix && !lab.startsWith(prefix) ? prefix + lab : lab;
