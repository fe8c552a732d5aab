/**
 * Keyboard shortcuts (listed in Help) and the clipboard events the desktop
 * app's native Edit menu sends. Shortcuts do nothing while typing in a field,
 * except Ctrl+S and Ctrl+O.
 */
import { useEffect } from 'react';
import type { useReactFlow } from '@xyflow/react';
import { editorStore } from '../store/editor';
import { openFile, saveFile } from '../store/file-actions';
import { useUi } from '../store/ui-store';
import type { FlowEdge, FlowNode } from '../store/derive';
import type { Fragment } from '../../shared/edit/clipboard';

type Flow = ReturnType<typeof useReactFlow<FlowNode, FlowEdge>>;

const CLIP_MARK = 'netplumb-fragment';

function isEditable(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  if (!el || !el.tagName) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}

const dialogOpen = () => useUi.getState().dialog !== null;

/** Installs the shortcuts for the page's lifetime. */
export function useShortcuts(flow: Flow): void {
  useEffect(() => {
    let keyCopyAt = 0;
    let keyPasteAt = 0;
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      const k = e.key.toLowerCase();
      if (mod && k === 's') {
        e.preventDefault();
        void saveFile(e.shiftKey ? 'save-as' : 'save');
        return;
      }
      if (mod && k === 'o') {
        e.preventDefault();
        openFile();
        return;
      }
      if (isEditable(e.target) || dialogOpen()) return;
      const st = editorStore.getState();
      if (mod && k === 'z') {
        e.preventDefault();
        if (e.shiftKey) st.redo();
        else st.undo();
      } else if (mod && k === 'y') {
        e.preventDefault();
        st.redo();
      } else if (mod && k === 'a') {
        e.preventDefault();
        st.selectAll();
      } else if (mod && k === 'c') {
        keyCopyAt = performance.now();
        st.copySelection();
      } else if (mod && k === 'x') {
        keyCopyAt = performance.now();
        st.copySelection();
        st.deleteSelection();
      } else if (mod && k === 'v') {
        keyPasteAt = performance.now();
        st.paste();
      } else if (mod && k === 'd') {
        e.preventDefault();
        st.duplicate(st.selection.nodes);
      } else if (!mod && (e.key === 'Delete' || e.key === 'Backspace')) {
        e.preventDefault();
        st.deleteSelection();
      } else if (!mod && !e.altKey && k === 'f') {
        e.preventDefault();
        void flow.fitView({ padding: 0.15, maxZoom: 1.2, duration: 200 });
      } else if (e.key === '?' || e.key === 'F1') {
        e.preventDefault();
        useUi.getState().set({ dialog: 'help' });
      } else if (e.key === 'Escape') {
        st.setSelection({ nodes: [], links: [] });
      }
    };
    // The native Edit menu (desktop) fires copy/cut/paste DOM events instead of keys.
    const onCopy = (e: ClipboardEvent) => {
      if (isEditable(e.target) || dialogOpen()) return;
      const st = editorStore.getState();
      if (performance.now() - keyCopyAt > 200) {
        st.copySelection();
        if (e.type === 'cut') st.deleteSelection();
      }
      const clip = editorStore.getState().clipboard;
      if (clip && e.clipboardData) {
        e.clipboardData.setData('text/plain', JSON.stringify({ [CLIP_MARK]: 1, ...clip }));
        e.preventDefault();
      }
    };
    const onPaste = (e: ClipboardEvent) => {
      if (isEditable(e.target) || dialogOpen()) return;
      const text = e.clipboardData?.getData('text/plain');
      let frag: Fragment | null = null;
      try {
        const data = text ? JSON.parse(text) : null;
        if (data && data[CLIP_MARK] === 1 && Array.isArray(data.nodes) && Array.isArray(data.links))
          frag = { nodes: data.nodes, links: data.links };
      } catch {
        frag = null;
      }
      e.preventDefault();
      if (performance.now() - keyPasteAt < 200) return; // the key handler already pasted
      const st = editorStore.getState();
      if (frag) editorStore.setState({ clipboard: frag });
      st.paste();
    };
    window.addEventListener('keydown', onKey);
    document.addEventListener('copy', onCopy);
    document.addEventListener('cut', onCopy);
    document.addEventListener('paste', onPaste);
    return () => {
      window.removeEventListener('keydown', onKey);
      document.removeEventListener('copy', onCopy);
      document.removeEventListener('cut', onCopy);
      document.removeEventListener('paste', onPaste);
    };
  }, [flow]);
}
