/**
 * When a Kathará machine's `etc/network/interfaces` takes effect, and what
 * it adds to the machine's lines. Kept apart from kathara.ts, which builds
 * the lab, because it is one self-contained step with rules of its own
 * (Kathará's images start no networking service); reading the file itself,
 * the same on any Debian machine, is ifupdown.ts's.
 */
import { ifupdownAction, readInterfaces, stanzaLines } from './ifupdown';

/** A configuration line with where it came from. */
export interface SourceLine {
  text: string;
  file?: string;
  line: number;
}

/** A line that is not imported, with why, where it is (`whole`: the whole file is not). */
interface Note extends SourceLine {
  why: string;
  whole?: boolean;
}

/** The ifupdown file of a machine folder. */
export const INTERFACES = 'etc/network/interfaces';

/**
 * A machine's lines with its `etc/network/interfaces` applied where ifupdown
 * reads it. Kathará's images (kathara/base: Debian with ifupdown, no init
 * system; the container runs a shell) never start the networking service at
 * boot, so the file Kathará copies into the machine does nothing until a
 * startup line runs `systemctl restart networking`, `service networking
 * restart`, `/etc/init.d/networking start|restart` or `ifup`: each such line
 * becomes the `ip` lines of the stanzas it brings up (`auto` interfaces, and
 * `allow-hotplug` ones for a restart; those it names for `ifup IF`), each
 * interface once until it is taken down. When no line does, the file is
 * said to be unapplied and nothing of it is imported.
 */
export function withIfupdown(
  machine: string,
  lines: SourceLine[],
  text: string | undefined,
  listed: boolean,
): { lines: SourceLine[]; notes: Note[] } {
  const file = `${machine}/${INTERFACES}`;
  const notes: Note[] = [];
  const ifs = text === undefined ? undefined : readInterfaces(text);
  const up = new Set<string>();
  /** The stanzas of each interface, in file order: one lookup per name, not a scan of the file. */
  const byName = new Map<string, NonNullable<typeof ifs>['stanzas']>();
  for (const s of ifs?.stanzas ?? []) {
    const list = byName.get(s.name);
    if (list) list.push(s);
    else byName.set(s.name, [s]);
  }
  let applied = false;
  const out = lines.flatMap((l) => {
    const act = ifupdownAction(l.text);
    if (!act) return [l];
    if (!ifs) {
      notes.push({
        ...l,
        why: listed
          ? `${file} was not read, so what it brings up is not known`
          : `the lab has no ${file}, so this brings up what the image's own file says, which netplumb does not know`,
      });
      return [];
    }
    if (ifs.refused) {
      if (!applied && act.up)
        notes.push({
          whole: true,
          text: INTERFACES,
          file,
          line: ifs.refused.line,
          why: `ifup refuses the file: ${ifs.refused.why}, so it brings up nothing`,
        });
      applied ||= act.up;
      return [];
    }
    applied ||= act.up;
    const names = act.ifaces ?? [...new Set(act.classes!.flatMap((c) => ifs.allow.get(c) ?? []))];
    if (!act.up) {
      const down = names.filter((n) => up.has(n));
      if (down.length === 0) return [];
      notes.push({
        ...l,
        why: `it takes down ${down.join(', ')}, which netplumb keeps as ifupdown brought ${down.length > 1 ? 'them' : 'it'} up`,
      });
      return [];
    }
    return names.flatMap((n) => {
      if (up.has(n)) return [];
      up.add(n);
      const stanzas = byName.get(n) ?? [];
      if (stanzas.length === 0 && n !== 'lo')
        notes.push({ ...l, why: `${file} has no iface stanza for ${n}, so ifup brings up nothing for it` });
      return stanzas.flatMap((s) => {
        const r = stanzaLines(s);
        notes.push(...r.notes.map((x) => ({ text: x.text, why: x.why, file, line: x.line })));
        return r.lines.map((x) => ({ text: x.text, file, line: x.line }));
      });
    });
  });
  if (ifs && applied) notes.push(...ifs.notes.map((x) => ({ text: x.text, why: x.why, file, line: x.line })));
  else if (ifs)
    notes.push({
      whole: true,
      text: INTERFACES,
      file,
      line: 1,
      why: `no startup line applies it. Kathará machines start no networking service, so ifupdown reads this file only when a line runs \`systemctl restart networking\`, \`/etc/init.d/networking restart\` or \`ifup\`; its addresses and routes are left out`,
    });
  return { lines: out, notes };
}
