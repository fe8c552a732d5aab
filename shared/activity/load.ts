/**
 * Reading an activity and its answer key from text (YAML or JSON), with
 * problems located in the file like topology files.
 */
import { loadTopologyText, parseDocumentText, withLocations } from '../formats/document';
import { ActivityKey, type Topology } from '../model';
import { hasErrors, type Problem } from '../validate';
import { validateActivity } from './checks';

/** Reads an answer key. */
export function loadActivityKeyText(
  text: string,
  fileName?: string,
): { key?: ActivityKey; problems: Problem[] } {
  const parsed = parseDocumentText(text, fileName);
  if (parsed.doc === undefined || hasErrors(parsed.problems)) return { problems: parsed.problems };
  const r = ActivityKey.safeParse(parsed.doc);
  if (r.success) return { key: r.data, problems: parsed.problems };
  const problems: Problem[] = r.error.issues.map((i) => {
    const path = i.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    return {
      code: 'schema',
      severity: 'error',
      message: `${path.length ? `"${path.join('.')}"` : 'the answer key'}: ${i.message}`,
      path,
    };
  });
  return { problems: withLocations([...parsed.problems, ...problems], parsed.locate) };
}

/**
 * Reads an activity file (a topology with an `activity:` block) and,
 * optionally, its key; returns both with every problem: the topology's own,
 * the key's, and the authoring problems (validateActivity).
 */
export function loadActivityText(
  text: string,
  fileName?: string,
  keyText?: string,
  keyFileName?: string,
): { topology?: Topology; key?: ActivityKey; problems: Problem[]; keyProblems: Problem[] } {
  const t = loadTopologyText(text, fileName);
  const locate = parseDocumentText(text, fileName).locate;
  const k = keyText === undefined ? { problems: [] as Problem[] } : loadActivityKeyText(keyText, keyFileName);
  if (!t.topology || hasErrors(t.problems))
    return { problems: t.problems, keyProblems: k.problems, ...(k.key ? { key: k.key } : {}) };
  const authoring = validateActivity(t.topology, k.key);
  const inKey = authoring.filter((p) => p.path[0] === 'key').map((p) => ({ ...p, path: p.path.slice(1) }));
  const inFile = authoring.filter((p) => p.path[0] !== 'key');
  return {
    topology: t.topology,
    ...(k.key ? { key: k.key } : {}),
    problems: [...t.problems, ...withLocations(inFile, locate)],
    keyProblems: [...k.problems, ...inKey],
  };
}
