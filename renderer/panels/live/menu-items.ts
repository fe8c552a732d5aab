/** Live-lab entries of the canvas' context menus (only while the document's lab is applied). */
import { isNetnsNode } from '../../../shared/model';
import { editorStore } from '../../store/editor';
import type { MenuItem } from '../../canvas/ContextMenu';
import { setLinkState, startCapture, stopCapture, useCaptures } from './link-actions';
import { appliedLab, showTab, useLive } from './live-store';
import { openTerminal } from './terminals';
import { runTrace } from './TraceView';
import { toast } from '../../store/ui-store';

/** Items for a node's menu. */
export function nodeLiveItems(nodeId: string): MenuItem[] {
  const lab = appliedLab();
  const node = editorStore.getState().doc.nodes.find((n) => n.id === nodeId);
  if (!lab || !node || node.kind === 'host') return [];
  const items: MenuItem[] = [];
  if (isNetnsNode(node)) {
    const { pickFrom } = useLive.getState();
    items.push({ label: 'Open terminal', onSelect: () => void openTerminal(lab, node.id, node.name) });
    items.push({
      label: 'Ping from here…',
      onSelect: () => (useLive.getState().set({ pickFrom: node.id }), showTab('tools')),
    });
    if (pickFrom && pickFrom !== node.id) {
      const fromName = editorStore.getState().doc.nodes.find((n) => n.id === pickFrom)?.name ?? pickFrom;
      items.push({
        label: `Ping here from ${fromName}`,
        onSelect: () => (useLive.getState().set({ pickTo: node.id }), showTab('tools')),
      });
      items.push({
        label: `Trace a ping here from ${fromName}`,
        onSelect: async () => {
          useLive.getState().set({ pickTo: node.id });
          showTab('trace');
          const err = await runTrace(pickFrom, node.id);
          if (err) toast(`Step mode failed: ${err}`, 'error');
        },
      });
    }
  }
  items.push({
    label: 'Live tables',
    onSelect: () => (editorStore.getState().setSelection({ nodes: [node.id], links: [] }), showTab('tables')),
  });
  return items;
}

/** Items for a link's menu. */
export function linkLiveItems(linkId: string): MenuItem[] {
  const lab = appliedLab();
  const link = editorStore.getState().doc.links.find((l) => l.id === linkId);
  if (!lab || !link) return [];
  const up = link.a.up !== false && link.b.up !== false;
  const capturing = !!useCaptures.getState().running[linkId];
  return [
    { label: up ? 'Set link down' : 'Set link up', onSelect: () => void setLinkState(linkId, !up) },
    capturing
      ? { label: 'Stop capture', onSelect: () => void stopCapture(linkId) }
      : { label: 'Capture packets', onSelect: () => void startCapture(lab, linkId, 'a') },
  ];
}
