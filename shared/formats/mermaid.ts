/**
 * A Mermaid `graph LR` of a topology, for README files and wikis (GitHub,
 * GitLab and most Markdown viewers render it). Node shapes per kind —
 * namespace (rounded), router (circle), bridge (hexagon), host (subroutine) —
 * and links labelled with the interface names and addresses at each end.
 */
import { linkKind, NODE_KINDS_REGISTRY, nodeKindList } from '../kinds';
import type { LinkEnd, Topology } from '../model';

/** Options of the Mermaid export. */
export interface MermaidOptions {
  /** Wrap in a ```mermaid fence for pasting into Markdown (default false). */
  fenced?: boolean;
  /** Show addresses on link labels (default true). */
  addresses?: boolean;
  /** Graph direction (default LR). */
  direction?: 'LR' | 'TB';
}

/**
 * Escapes text inside a quoted Mermaid label: quotes, angle brackets and
 * pipes would end the label or inject markup, so they become entity codes.
 */
function escapeMermaid(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').replace(/[#"<>|&`]/g, (c) => `#${c.codePointAt(0)};`);
}

function endText(e: LinkEnd, withAddresses: boolean): string {
  return [e.ifname, ...(withAddresses ? e.addresses : [])].map(escapeMermaid).join(' ');
}

/** Writes the Mermaid text. */
export function toMermaid(t: Topology, opts: MermaidOptions = {}): string {
  const withAddresses = opts.addresses ?? true;
  const ids = new Map(t.nodes.map((n, i) => [n.id, `n${i}`]));
  const lines: string[] = [
    `graph ${opts.direction ?? 'LR'}`,
    `  %% netplumb lab: ${t.name.replace(/[\r\n]/g, ' ')}`,
  ];
  t.nodes.forEach((n) => {
    const [open, close] = NODE_KINDS_REGISTRY[n.kind].export.mermaidShape;
    const title = escapeMermaid(n.label ?? n.name);
    const where =
      n.kind === 'bridge' && n.namespace
        ? ` in ${escapeMermaid(t.nodes.find((x) => x.id === n.namespace)?.name ?? n.namespace)}`
        : '';
    const sub = n.label && n.label !== n.name ? `${n.kind} ${escapeMermaid(n.name)}` : `${n.kind}${where}`;
    lines.push(`  ${ids.get(n.id)}${open}"<b>${title}</b><br/><small>${sub}</small>"${close}`);
  });
  for (const l of t.links) {
    const a = ids.get(l.a.node);
    const b = ids.get(l.b.node);
    if (!a || !b) continue;
    // A link kind drawn dashed (vxlan) is dotted here too, and its kind's label (VNI 42) leads.
    const look = linkKind(l).style;
    const arrow = l.a.up && l.b.up && !look.dash ? '---' : '-.-';
    const lead = look.label ? `${escapeMermaid(look.label(l))}: ` : '';
    lines.push(
      `  ${a} ${arrow}|"${lead}${endText(l.a, withAddresses)} ↔ ${endText(l.b, withAddresses)}"| ${b}`,
    );
  }
  for (const kind of nodeKindList) {
    const members = t.nodes.filter((n) => n.kind === kind).map((n) => ids.get(n.id));
    if (members.length === 0) continue;
    lines.push(`  classDef ${kind} ${NODE_KINDS_REGISTRY[kind].export.mermaidClass}`);
    lines.push(`  class ${members.join(',')} ${kind}`);
  }
  const body = lines.join('\n') + '\n';
  return opts.fenced ? '```mermaid\n' + body + '```\n' : body;
}
