/**
 * What the deb and rpm packages carry for the privileged helper, placed in the
 * packaged app's root directory, which the makers install as /usr/lib/netplumb:
 * the launcher (netplumb-helper, 0755; it runs /usr/bin/node, the packages
 * depend on nodejs), the self-contained helper bundle, the native namespace
 * reader (nsread, 0755) and node-pty when built: the package carries nsread
 * prebuilt, so installing it needs no compiler.
 * The polkit action ships as an extra resource; packaging/postinst puts it in
 * place with the group and the sudo rule.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { nodePtyFiles } from '../electron/kernel/install/node-pty-files';

/** Files copied into the packaged app's root: [source, target relative to the root, mode]. */
export function helperPackageFiles(root: string): [string, string, number][] {
  const files: [string, string, number][] = [
    [path.join(root, 'dist', 'privileged-helper.mjs'), 'privileged-helper.mjs', 0o644],
    [path.join(root, 'packaging', 'netplumb-helper'), 'netplumb-helper', 0o755],
  ];
  if (existsSync(path.join(root, 'dist', 'nsread')))
    files.push([path.join(root, 'dist', 'nsread'), 'nsread', 0o755]);
  const pty = path.join(root, 'node_modules', 'node-pty');
  for (const f of nodePtyFiles(pty) ?? [])
    files.push([path.join(pty, f), path.join('node_modules', 'node-pty', f), 0o644]);
  return files;
}

/** Copies the helper's files into `buildPath` (Forge's packageAfterExtract hook). */
export function copyHelperInto(buildPath: string, root = process.cwd()): void {
  for (const [src, rel, mode] of helperPackageFiles(root)) {
    if (!existsSync(src)) throw new Error(`packaging the helper: ${src} is missing (run npm run build)`);
    const dst = path.join(buildPath, rel);
    mkdirSync(path.dirname(dst), { recursive: true });
    copyFileSync(src, dst);
    chmodSync(dst, mode);
  }
}
