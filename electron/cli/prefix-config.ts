/**
 * The user's name prefix in the CLI (shared machines; the setting itself is
 * read in kernel/prefix-config.ts, which the app shares): applied to a
 * loaded file, with problems located in it.
 */
import { prefixTopology } from '../../shared/model';
import type { Loaded } from './load';

export { prefixedLab, prefixSetting, userConfigFile, userHome } from '../kernel/prefix-config';

/** A loaded file with the prefix applied to every kernel name (problems located in the file when a name gets too long). */
export async function applyPrefix(loaded: Loaded, prefix: string): Promise<Loaded> {
  if (!loaded.topology) return loaded;
  const r = prefixTopology(loaded.topology, prefix);
  if (!r.ok) {
    // The reader (with the YAML parser, for positions) is loaded only for a name that got too long.
    const { locatorFor, withLocations } = await import('../../shared/formats/document');
    const located =
      loaded.text !== undefined
        ? withLocations(r.problems, loaded.locate ?? locatorFor(loaded.text))
        : r.problems;
    return { ...loaded, problems: [...loaded.problems, ...located] };
  }
  return { ...loaded, doc: r.topology, topology: r.topology };
}
