/**
 * The Inspector's link-kind fields: a Kind choice (from the link kind
 * registry) and the fields of the selected link's kind, one component per
 * kind in a table the compiler checks (`satisfies` every LinkKind), so a new
 * link kind is asked for its fields here.
 */
import type { ReactNode } from 'react';
import { convertLink, linkKinds, type LinkOf } from '../../shared/kinds';
import { VNI_MAX, VNI_MIN } from '../../shared/kinds/tunnel';
import {
  GENEVE_PORT,
  linkKindOf,
  VXLAN_PORT,
  type GeneveLink,
  type Link,
  type LinkKind,
  type VxlanLink,
} from '../../shared/model';
import { editorStore, useEditor } from '../store/editor';
import { NumberField, SelectField, TextField, type Path } from './fields';

interface KindProps<K extends LinkKind> {
  link: LinkOf<K>;
  path: Path;
}

const replace = (link: Link, key: string) => editorStore.getState().replaceLink(link.id, link, key);

/** What the tunnel kinds' fields call things. */
const TUNNEL = {
  vxlan: { title: 'VXLAN', dev: 'VTEP', end: 'VTEP', port: VXLAN_PORT, remote: 'the other VTEP sends to it' },
  geneve: {
    title: 'Geneve',
    dev: 'Geneve device',
    end: 'End',
    port: GENEVE_PORT,
    remote: 'the other end sends to it (Geneve has no local parameter: the route must leave from it)',
  },
} as const;

/** A tunnel link (VXLAN, Geneve): VNI and UDP port; per end, its underlay address and an optional bridge of its namespace. */
function TunnelFields({ link: l, path }: KindProps<'vxlan' | 'geneve'>) {
  const link = l as VxlanLink | GeneveLink;
  const w = TUNNEL[link.kind];
  const nodes = useEditor((s) => s.doc.nodes);
  const name = (id: string) => nodes.find((n) => n.id === id)?.name ?? id;
  return (
    <>
      <NumberField
        label="VNI"
        path={[...path, 'vni']}
        value={link.vni}
        min={VNI_MIN}
        max={VNI_MAX}
        step={1}
        hint={`${w.title} network identifier, ${VNI_MIN} to ${VNI_MAX}; both ends use it`}
        onChange={(v) => replace({ ...link, vni: v ?? 0 }, 'vni')}
      />
      <NumberField
        label="UDP port"
        path={[...path, 'port']}
        value={link.port}
        min={1}
        max={65535}
        step={1}
        hint={`${w.port} is the standard ${w.title} port`}
        onChange={(v) => replace({ ...link, port: v ?? w.port }, 'port')}
      />
      {(['a', 'b'] as const).map((k) => {
        const end = link[k];
        const bridges = nodes.filter((n) => n.kind === 'bridge' && n.namespace === end.node);
        return (
          <fieldset className="np-end" key={k}>
            <legend>{`${w.end} ${k.toUpperCase()}: ${name(end.node)}`}</legend>
            <TextField
              label="Local address"
              path={[...path, k, 'local']}
              value={end.local}
              optional
              placeholder="e.g. 10.0.1.1"
              hint={`one of ${name(end.node)}'s underlay addresses; ${w.remote}`}
              onChange={(v) => replace({ ...link, [k]: { ...end, local: v } }, `${k}:local`)}
            />
            <SelectField
              label="Bridge"
              path={[...path, k, 'bridge']}
              value={end.bridge ?? ''}
              hint={`enslave the ${w.dev} to a bridge of this namespace (overlay addresses then go on the bridge)`}
              options={[
                { value: '', label: 'none' },
                ...bridges.map((b) => ({ value: b.id, label: b.name })),
                ...(end.bridge && !bridges.some((b) => b.id === end.bridge)
                  ? [{ value: end.bridge, label: `${end.bridge} (not in this namespace)` }]
                  : []),
              ]}
              onChange={(v) => {
                const { bridge: _old, ...rest } = end;
                replace({ ...link, [k]: v ? { ...rest, bridge: v } : rest }, `${k}:bridge`);
              }}
            />
          </fieldset>
        );
      })}
    </>
  );
}

/** Each link kind's own fields (veth has none beyond its ends). */
const KIND_FIELDS = {
  veth: () => null,
  vxlan: TunnelFields,
  geneve: TunnelFields,
} satisfies { [K in LinkKind]: (p: KindProps<K>) => ReactNode };

/** The Kind choice and the kind's own fields of link `link` at `path`. */
export function LinkKindFields({ link, path }: { link: Link; path: Path }) {
  const kind = linkKindOf(link);
  const Fields = KIND_FIELDS[kind] as (p: KindProps<LinkKind>) => ReactNode;
  return (
    <>
      <SelectField
        label="Kind"
        path={[...path, 'kind']}
        value={kind}
        options={Object.values(linkKinds).map((d) => ({ value: d.kind, label: d.label }))}
        onChange={(v) => replace(convertLink(link, v as LinkKind, editorStore.getState().doc), 'kind')}
      />
      <Fields link={link} path={path} />
    </>
  );
}
