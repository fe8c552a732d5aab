/**
 * The Inspector fields of each node kind, in one table keyed by kind: the
 * compiler asks for an entry when a kind is added (its descriptor in
 * shared/kinds holds the rest).
 */
import type { ComponentType } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { NodeOf } from '../../shared/kinds';
import { isNetnsNode, type NodeKind, type SysctlKey, type TopoNode } from '../../shared/model';
import { useEditor } from '../store/editor';
import { CheckField, ListField, NumberField, SelectField, TextField } from './fields';
import { RoutesEditor } from './RoutesEditor';

const str = (s: string) => s;
const FWD: SysctlKey = 'net.ipv4.ip_forward';

/** What every kind's fields get. */
interface FieldsProps<N extends TopoNode> {
  node: N;
  path: (string | number)[];
  up: (p: Record<string, unknown>, key?: string) => void;
  /** The kernel can apply bridge VLAN filtering. */
  vlanOk: boolean;
}

/** Where a bridge lives: the root namespace or one of the lab's namespaces. */
function LivesIn({
  value,
  path,
  onChange,
}: {
  value: string | undefined;
  path: (string | number)[];
  onChange: (v: string) => void;
}) {
  const netns = useEditor(
    useShallow((s) => s.doc.nodes.filter(isNetnsNode).map((n) => `${n.id}\u0000${n.name}`)),
  );
  return (
    <SelectField
      label="Lives in"
      path={path}
      value={value ?? ''}
      onChange={onChange}
      options={[
        { value: '', label: 'the root namespace' },
        ...netns.map((x) => ({ value: x.split('\u0000')[0], label: `namespace ${x.split('\u0000')[1]}` })),
      ]}
    />
  );
}

function NetnsFields({ node, path, up }: FieldsProps<NodeOf<'namespace' | 'router'>>) {
  const fwd = node.sysctls?.[FWD];
  const setGw = (fam: 'ipv4' | 'ipv6', v: string | undefined) => {
    const gw = { ...node.gateway, [fam]: v };
    up({ gateway: gw.ipv4 === undefined && gw.ipv6 === undefined ? undefined : gw }, `gw-${fam}`);
  };
  return (
    <>
      {node.kind === 'namespace' ? (
        <CheckField
          label="IP forwarding"
          path={[...path, 'sysctls', FWD]}
          value={fwd === 1 || fwd === '1'}
          onChange={(v) => {
            const s = { ...node.sysctls };
            if (v) s[FWD] = 1;
            else delete s[FWD];
            up({ sysctls: Object.keys(s).length ? s : undefined });
          }}
          hint="let this namespace route between its interfaces"
        />
      ) : (
        <CheckField
          label="IPv6 forwarding"
          path={[...path, 'ipv6Forwarding']}
          value={node.ipv6Forwarding}
          onChange={(v) => up({ ipv6Forwarding: v })}
          hint="IPv4 forwarding is always on in a router"
        />
      )}
      <TextField
        label="Default gateway (IPv4)"
        path={[...path, 'gateway', 'ipv4']}
        value={node.gateway?.ipv4}
        optional
        onChange={(v) => setGw('ipv4', v)}
        placeholder="e.g. 10.0.0.254"
      />
      <TextField
        label="Default gateway (IPv6)"
        path={[...path, 'gateway', 'ipv6']}
        value={node.gateway?.ipv6}
        optional
        onChange={(v) => setGw('ipv6', v)}
        placeholder="e.g. fd00::1"
      />
      <RoutesEditor nodeId={node.id} routes={node.routes} path={[...path, 'routes']} />
    </>
  );
}

function BridgeFields({ node, path, up, vlanOk }: FieldsProps<NodeOf<'bridge'>>) {
  return (
    <>
      <LivesIn
        value={node.namespace}
        path={[...path, 'namespace']}
        onChange={(v) => up({ namespace: v || undefined })}
      />
      <CheckField
        label="STP"
        path={[...path, 'stp']}
        value={node.stp}
        onChange={(v) => up({ stp: v })}
        hint="spanning tree; needed when bridges form a loop"
      />
      <CheckField
        label="VLAN filtering"
        path={[...path, 'vlanFiltering']}
        value={node.vlanFiltering}
        onChange={(v) => up({ vlanFiltering: v })}
        // Offered only where it can be applied (it can always be turned off).
        disabled={!vlanOk && !node.vlanFiltering}
        hint={
          vlanOk
            ? undefined
            : 'this kernel lacks bridge VLAN filtering: a drawing using it can be saved but not applied here'
        }
      />
      {node.vlanFiltering && (
        <NumberField
          label="Default PVID"
          path={[...path, 'defaultPvid']}
          value={node.defaultPvid}
          min={1}
          max={4094}
          step={1}
          onChange={(v) => up({ defaultPvid: v }, 'defaultPvid')}
        />
      )}
      <ListField
        label="IPv4/IPv6 addresses"
        path={[...path, 'addresses']}
        value={node.addresses}
        parse={str}
        onChange={(v) => up({ addresses: v }, 'addresses')}
        hint="the bridge's own addresses (optional)"
      />
      <NumberField
        label="MTU"
        path={[...path, 'mtu']}
        value={node.mtu}
        min={68}
        max={65535}
        step={1}
        onChange={(v) => up({ mtu: v }, 'mtu')}
      />
      <TextField
        label="MAC"
        path={[...path, 'mac']}
        value={node.mac}
        optional
        onChange={(v) => up({ mac: v }, 'mac')}
        placeholder="automatic"
      />
    </>
  );
}

function HostFields() {
  return (
    <p className="np-field__hint">
      The host is this machine's root namespace: links to it create interfaces on the host itself.
    </p>
  );
}

const KIND_FIELDS = {
  namespace: NetnsFields,
  router: NetnsFields,
  bridge: BridgeFields,
  host: HostFields,
} satisfies { [K in NodeKind]: ComponentType<FieldsProps<NodeOf<K>>> };

/** The fields of the node's own kind. */
export function KindFields(props: FieldsProps<TopoNode>) {
  const Fields = KIND_FIELDS[props.node.kind] as ComponentType<FieldsProps<TopoNode>>;
  return <Fields {...props} />;
}

/** The hint under a node's Name field. */
export function nameHint(node: TopoNode): string | undefined {
  const hints = {
    namespace: 'the namespace name',
    router: 'the namespace name',
    bridge: 'the bridge interface name',
    host: undefined,
  } satisfies Record<NodeKind, string | undefined>;
  return hints[node.kind];
}
