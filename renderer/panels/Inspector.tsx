/**
 * The Inspector: labelled fields for the selected node or link (or the lab
 * when nothing is selected), each showing its validation problem inline.
 */
import { useCallback } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Link, TopoNode } from '../../shared/model';
import type { EditorState } from '../store/editor-types';
import { useUi } from '../store/ui-store';
import { editorStore, useEditor, useEditorWith } from '../store/editor';
import { sameButPosition } from '../store/store';
import { KIND_LABEL } from '../canvas/icons';
import { EndFields } from './EndFields';
import { TextField, useProblemsAt } from './fields';
import { KindFields, nameHint } from './KindFields';
import { LinkKindFields } from './LinkKindFields';
import { LinkLiveSection, NodeLiveSection } from './live/LiveInspector';
import { LockedFieldset } from './activity/LockedFieldset';

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
        hint={nameHint(node)}
      />
      <TextField
        label="Label"
        path={[...path, 'label']}
        value={node.label}
        optional
        onChange={(v) => up({ label: v }, 'label')}
        placeholder="shown instead of the name"
      />
      <KindFields node={node} path={path} up={up} vlanOk={vlanOk} />
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
      <LinkKindFields link={link} path={path} />
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
