/**
 * The user's name prefix in the CLI (shared machines; the setting itself is
 * read in kernel/prefix-config.ts, which the app shares): applied to a
 * loaded file, with problems located in it.
 */
import { withLocations } from '../../shared/formats/text-load';
import { prefixTopology } from '../../shared/model';
import type { Loaded } from './load';

export { prefixedLab, prefixSetting, userConfigFile, userHome } from '../kernel/prefix-config';

/** A loaded file with the prefix applied to every kernel name (problems located in the file when a name gets too long). */
export async function applyPrefix(loaded: Loaded, prefix: string): Promise<Loaded> {
  if (!loaded.topology) return loaded;
  const r = prefixTopology(loaded.topology, prefix);
  if (!r.ok) {
    // Positions from the file's own reading (loadFile's locate); the YAML parser is loaded only for a
    // file that came without one (an imported format), and only for a name that got too long.
    const locate =
      loaded.locate ??
      (loaded.text !== undefined
        ? (await import('../../shared/formats/document')).locatorFor(loaded.text)
        : undefined);
    const located = locate ? withLocations(r.problems, locate) : r.problems;
    return { ...loaded, problems: [...loaded.problems, ...located] };
  }
  return { ...loaded, doc: r.topology, topology: r.topology };
}
