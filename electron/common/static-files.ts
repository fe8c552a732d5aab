/**
 * Static files of the built renderer: only files under its directory, with
 * their MIME type, or nothing. Used by browser mode (cli/serve.ts) and by the
 * app's own app:// protocol (main/app-protocol.ts); it lives in
 * electron/common so that main never imports the CLI.
 */
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';

/** MIME types of what Vite emits; anything else is served as bytes. */
export const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.yaml': 'text/yaml; charset=utf-8',
  '.yml': 'text/yaml; charset=utf-8',
};

/** The MIME type for a file name. */
export function mimeFor(file: string): string {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Maps a request's raw path (e.g. "/assets/index-abc.js?x") to a file under
 * `root`, or undefined when it is outside `root`, not a file, or malformed.
 *
 * Why every step: the path comes from any process that can reach the port.
 * It is percent-decoded once (a bad escape or a NUL is refused), resolved
 * against `root`, and must still lie under `root` after resolution AND after
 * symlinks are followed, so "/../x", "/%2e%2e/x", "/..%2fx", "/%252e..." and
 * a symlink pointing out cannot reach a file elsewhere.
 */
export async function resolveStatic(root: string, rawPath: string): Promise<string | undefined> {
  const q = rawPath.search(/[?#]/);
  const pathname = q >= 0 ? rawPath.slice(0, q) : rawPath;
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  if (!decoded.startsWith('/')) return undefined;
  if (decoded.endsWith('/')) decoded += 'index.html';
  const rootAbs = path.resolve(root);
  const candidate = path.resolve(rootAbs, `.${decoded}`);
  if (!candidate.startsWith(rootAbs + path.sep)) return undefined;
  try {
    const [realRoot, real] = await Promise.all([realpath(rootAbs), realpath(candidate)]);
    if (!real.startsWith(realRoot + path.sep)) return undefined;
    const st = await stat(real);
    return st.isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}
