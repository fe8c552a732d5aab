/**
 * The Inspector: labelled fields for the selected node or link (or the lab
 * when nothing is selected), each showing its validation problem inline.
 */
import { useCallback } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Link, SysctlKey, TopoNode } from '../../shared/model';
import type { EditorState } from '../store/editor-types';
import { useUi } from '../store/ui-store';
import { editorStore, useEditor, useEditorWith } from '../store/editor';
import { sameButPosition } from '../store/store';
import { KIND_LABEL } from '../canvas/icons';
import { EndFields } from './EndFields';
import { CheckField, ListField, NumberField, SelectField, TextField, useProblemsAt } from './fields';
import { RoutesEditor } from './RoutesEditor';
import { LinkLiveSection, NodeLiveSection } from './live/LiveInspector';
import { LockedFieldset } from './activity/LockedFieldset';

const str = (s: string) => s;
const FWD: SysctlKey = 'net.ipv4.ip_forward';

function NodeInspector({ id }: { id: string }) {
  const index = useEditor((s) => s.doc.nodes.findIndex((n) => n.id === id));
  const vlanOk = useUi((s) => s.info?.capabilities?.bridgeVlanFiltering !== false);
  // A drag changes only the position: the Inspector does not redraw for it.
  const node = useEditorWith(
    useCallback((s) => s.doc.nodes.find((n) => n.id === id), [id]),
    sameNode,
  );
  // Links on this node, each followed by its peer's name (flat, so a shallow compare works).
  const attached = useEditor(
    useShallow(
      useCallback(
        (s: EditorState) => {
          const out: (Link | string)[] = [];
          for (const l of s.doc.links) {
            if (l.a.node !== id && l.b.node !== id) continue;
            const peer = l.a.node === id ? l.b.node : l.a.node;
            out.push(l, s.doc.nodes.find((n) => n.id === peer)?.name ?? peer);
          }
          return out;
        },
        [id],
      ),
    ),
  );
  const focusSeq = useEditor((s) => s.focusRequest?.seq);
  const nodeProblems = useProblemsAt(['nodes', index], true);
  if (!node) return null;
  const path = ['nodes', index];
  const up = (patch: Record<string, unknown>, key?: string) =>
    editorStore.getState().updateNode(id, patch, key);
  const links: { link: Link; peer: string }[] = [];
  for (let i = 0; i < attached.length; i += 2)
    links.push({ link: attached[i] as Link, peer: attached[i + 1] as string });
  const allLinks = editorStore.getState().doc.links;
  return (
    <section className="np-inspector__body" aria-label={`${KIND_LABEL[node.kind]} ${node.name}`}>
      <h2 className={`np-inspector__title np-kind--${node.kind}`}>
        {KIND_LABEL[node.kind]} <span>{node.name}</span>
      </h2>
      <NodeLiveSection id={id} />
      {nodeProblems.map((p, i) => (
        <div key={i} className={`np-field__problem is-${p.severity}`}>
          {p.message}
        </div>
      ))}
      <TextField
        label="Name"
        path={[...path, 'name']}
        value={node.name}
        onChange={(v) => up({ name: v ?? '' }, 'name')}
        focusSeq={focusSeq}
        hint={
          node.kind === 'bridge'
            ? 'the bridge interface name'
            : node.kind === 'host'
              ? undefined
              : 'the namespace name'
        }
      />
      <TextField
        label="Label"
        path={[...path, 'label']}
        value={node.label}
        optional
        onChange={(v) => up({ label: v }, 'label')}
        placeholder="shown instead of the name"
      />
      {(node.kind === 'namespace' || node.kind === 'router') && (
        <NetnsFields node={node} path={path} up={up} />
      )}
      {node.kind === 'bridge' && (
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
      )}
      {node.kind === 'host' && (
        <p className="np-field__hint">
          The host is this machine's root namespace: links to it create interfaces on the host itself.
        </p>
      )}
      <h3 className="np-inspector__sub">Interfaces ({links.length})</h3>
      {links.length === 0 && (
        <p className="np-field__hint">Drag from this node's handle to another node to connect them.</p>
      )}
      {links.map(({ link, peer }) => {
        const end = link.a.node === id ? 'a' : 'b';
        return (
          <EndFields
            key={`${link.id}-${end}`}
            linkId={link.id}
            end={end}
            value={link[end]}
            path={['links', allLinks.indexOf(link), end]}
            nodeKind={node.kind}
            legend={`${link[end].ifname || '(no name)'} → ${peer}`}
          />
        );
      })}
      <TextField
        label="Notes"
        path={[...path, 'notes']}
        value={node.notes}
        optional
        multiline
        onChange={(v) => up({ notes: v }, 'notes')}
      />
    </section>
  );
}

const sameNode = (a: TopoNode | undefined, b: TopoNode | undefined) =>
  a === b || (!!a && !!b && sameButPosition(a, b));

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
    useShallow((s) =>
      s.doc.nodes
        .filter((n) => n.kind === 'namespace' || n.kind === 'router')
        .map((n) => `${n.id}\u0000${n.name}`),
    ),
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

function NetnsFields({
  node,
  path,
  up,
}: {
  node: Extract<TopoNode, { kind: 'namespace' | 'router' }>;
  path: (string | number)[];
  up: (p: Record<string, unknown>, key?: string) => void;
}) {
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

function LinkInspector({ id }: { id: string }) {
  const [index, link] = useEditor(
    useShallow((s) => {
      const i = s.doc.links.findIndex((l) => l.id === id);
      return [i, s.doc.links[i]] as const;
    }),
  );
  const na = useEditor((s) => (link ? s.doc.nodes.find((n) => n.id === link.a.node) : undefined));
  const nb = useEditor((s) => (link ? s.doc.nodes.find((n) => n.id === link.b.node) : undefined));
  const focusSeq = useEditor((s) => s.focusRequest?.seq);
  const linkProblems = useProblemsAt(['links', index], true);
  if (!link) return null;
  const path = ['links', index];
  return (
    <section className="np-inspector__body" aria-label={`Link ${link.a.ifname} – ${link.b.ifname}`}>
      <h2 className="np-inspector__title">
        Link{' '}
        <span>
          {na?.name ?? link.a.node} – {nb?.name ?? link.b.node}
        </span>
      </h2>
      {linkProblems.map((p, i) => (
        <div key={i} className={`np-field__problem is-${p.severity}`}>
          {p.message}
        </div>
      ))}
      <EndFields
        linkId={id}
        end="a"
        value={link.a}
        path={[...path, 'a']}
        nodeKind={na?.kind}
        legend={`End A: ${na?.name ?? link.a.node}`}
        focusSeq={focusSeq}
      />
      <EndFields
        linkId={id}
        end="b"
        value={link.b}
        path={[...path, 'b']}
        nodeKind={nb?.kind}
        legend={`End B: ${nb?.name ?? link.b.node}`}
      />
      <LinkLiveSection id={id} />
      <TextField
        label="Link label"
        path={[...path, 'label']}
        value={link.label}
        optional
        onChange={(v) => editorStore.getState().updateLink(id, { label: v }, 'label')}
      />
      <TextField
        label="Notes"
        path={[...path, 'notes']}
        value={link.notes}
        optional
        multiline
        onChange={(v) => editorStore.getState().updateLink(id, { notes: v }, 'notes')}
      />
    </section>
  );
}

function LabInspector() {
  const name = useEditor((s) => s.doc.name);
  const description = useEditor((s) => s.doc.description);
  const counts = useEditor(useShallow((s) => [s.doc.nodes.length, s.doc.links.length] as const));
  // Renaming the drawing of a running lab moves nothing in the kernel: say so, where the name is typed.
  const opened = useUi((s) => s.attachedLab);
  const renamed = !!opened && name !== opened;
  return (
    <section className="np-inspector__body" aria-label="Lab">
      <h2 className="np-inspector__title">Lab</h2>
      <TextField
        label="Lab name"
        path={['name']}
        value={name}
        onChange={(v) => editorStore.getState().updateLab({ name: v ?? '' }, 'name')}
        hint="names the lab's kernel objects; lower-case letters, digits, - _ ."
      />
      {renamed && (
        <p className="np-field__hint np-warn" role="note">
          Lab {opened} keeps running under its name: renaming the drawing renames nothing in the kernel. Apply
          would build lab {name || '(no name)'} beside it, which needs namespace names of its own; destroy{' '}
          {opened} from Labs… if it is no longer wanted.
        </p>
      )}
      <TextField
        label="Description"
        path={['description']}
        value={description}
        optional
        multiline
        onChange={(v) => editorStore.getState().updateLab({ description: v }, 'description')}
      />
      <p className="np-field__hint">
        {counts[0]} node{counts[0] === 1 ? '' : 's'}, {counts[1]} link{counts[1] === 1 ? '' : 's'}. Select a
        node or link to edit it.
      </p>
    </section>
  );
}

function MultiInspector({ nodes, links }: { nodes: string[]; links: string[] }) {
  return (
    <section className="np-inspector__body" aria-label="Selection">
      <h2 className="np-inspector__title">
        {nodes.length} node{nodes.length === 1 ? '' : 's'}, {links.length} link{links.length === 1 ? '' : 's'}{' '}
        selected
      </h2>
      <div className="np-row">
        {nodes.length > 0 && (
          <button type="button" className="np-btn" onClick={() => editorStore.getState().duplicate(nodes)}>
            Duplicate selection
          </button>
        )}
        <button
          type="button"
          className="np-btn np-btn--danger"
          onClick={() => editorStore.getState().deleteSelection()}
        >
          Delete selection
        </button>
      </div>
    </section>
  );
}

/** The Inspector panel. */
export function Inspector() {
  const sel = useEditor(
    useShallow((s) => {
      const nodes = s.selection.nodes.filter((id) => s.doc.nodes.some((n) => n.id === id));
      const links = s.selection.links.filter((id) => s.doc.links.some((l) => l.id === id));
      return [nodes.join('\u0000'), links.join('\u0000')] as const;
    }),
  );
  const nodes = sel[0] ? sel[0].split('\u0000') : [];
  const links = sel[1] ? sel[1].split('\u0000') : [];
  let body: React.ReactNode;
  if (nodes.length === 1 && links.length === 0) body = <NodeInspector key={nodes[0]} id={nodes[0]} />;
  else if (nodes.length === 0 && links.length === 1) body = <LinkInspector key={links[0]} id={links[0]} />;
  else if (nodes.length || links.length) body = <MultiInspector nodes={nodes} links={links} />;
  else body = <LabInspector />;
  return (
    <aside className="np-inspector" aria-label="Inspector">
      <LockedFieldset nodes={nodes} links={links}>
        {body}
      </LockedFieldset>
    </aside>
  );
}
