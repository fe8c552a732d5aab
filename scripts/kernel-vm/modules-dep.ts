/**
 * Resolves kernel module load order from depmod's `modules.dep` and `modules.builtin`,
 * so the initramfs loads exactly what a module needs, in an order insmod accepts,
 * without a hard-coded list that silently rots when Debian moves a driver.
 * Pure: text in, paths out.
 */

/** A module's canonical name: file name without `.ko[.xz|.zst|.gz]`, dashes as underscores. */
export function moduleName(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return base.replace(/\.ko(\.(xz|zst|gz))?$/, '').replace(/-/g, '_');
}

/** Parsed `modules.dep`: module name -> its path and the paths it depends on. */
export interface ModuleDeps {
  byName: Map<string, { path: string; deps: string[] }>;
  builtin: Set<string>;
}

/** Parses `modules.dep` (`path: dep dep ...` per line) and `modules.builtin` (one path per line). */
export function parseModulesDep(depText: string, builtinText = ''): ModuleDeps {
  const byName = new Map<string, { path: string; deps: string[] }>();
  for (const raw of depText.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const path = line.slice(0, colon).trim();
    const deps = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    byName.set(moduleName(path), { path, deps });
  }
  const builtin = new Set(
    builtinText
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .map(moduleName),
  );
  return { byName, builtin };
}

/**
 * The module files to load (paths relative to /lib/modules/<version>) so that every
 * wanted module ends up loaded: dependencies first, each once, built-ins skipped.
 * Throws with the missing name when a wanted module is neither a module nor built in.
 */
export function loadOrder(wanted: readonly string[], deps: ModuleDeps): string[] {
  const order: string[] = [];
  const done = new Set<string>();
  const visiting = new Set<string>();
  const visit = (name: string, via: string[]) => {
    if (done.has(name) || deps.builtin.has(name)) return;
    const entry = deps.byName.get(name);
    if (!entry)
      throw new Error(
        `kernel module ${name} not found in modules.dep${via.length ? ` (needed by ${via.join(' <- ')})` : ''}`,
      );
    // depmod never writes cycles, but a corrupt file must not loop forever.
    if (visiting.has(name)) throw new Error(`dependency cycle through kernel module ${name}`);
    visiting.add(name);
    for (const dep of entry.deps) visit(moduleName(dep), [name, ...via]);
    visiting.delete(name);
    done.add(name);
    order.push(entry.path);
  };
  for (const w of wanted) visit(moduleName(w), []);
  return order;
}
