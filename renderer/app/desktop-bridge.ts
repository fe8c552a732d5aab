/**
 * Ties the page to its host: asks app:info once, tells the desktop window
 * about the open file (title, unsaved-changes prompt), and carries out the
 * native menus' commands and files opened by the main process.
 */
import { useLive } from '../panels/live/live-store';
import { useEffect } from 'react';
import type { useReactFlow } from '@xyflow/react';
import type { MenuCommand } from '../../shared/ipc/contract';
import { getApi } from '../api';
import { editorStore } from '../store/editor';
import { newDocument, openExample, openText, saveFile, confirmDiscard } from '../store/file-actions';
import { refreshStatus, runApply, runPlan } from '../store/lab-actions';
import { useUi } from '../store/ui-store';
import { flushAutosave } from '../store/autosave';
import { selectDirty } from '../store/store';
import { runValidate } from '../panels/Toolbar';
import type { FlowEdge, FlowNode } from '../store/derive';
import { useActivity } from '../panels/activity/activity-store';
import { newActivity } from '../panels/activity/activity-actions';

type Flow = ReturnType<typeof useReactFlow<FlowNode, FlowEdge>>;

/** Carries out one menu command. */
function runMenuCommand(cmd: MenuCommand, flow: Flow, exampleId?: string): void {
  const st = editorStore.getState();
  const ui = useUi.getState();
  switch (cmd) {
    case 'new':
      return newDocument();
    case 'new-from-example':
      return exampleId ? openExample(exampleId) : undefined;
    case 'new-from-lesson':
      return useLive.getState().set({ lessonsDialog: true });
    case 'open-running-lab':
      return ui.set({ dialog: 'labs' });
    case 'activities':
      return useActivity.getState().set({ dialog: true });
    case 'new-activity':
      return newActivity();
    case 'save':
    case 'save-as':
      return void saveFile(cmd);
    case 'export':
      return ui.set({ dialog: 'export' });
    case 'undo':
      return st.undo();
    case 'redo':
      return st.redo();
    case 'select-all':
      return st.selectAll();
    case 'delete':
      return st.deleteSelection();
    case 'fit':
      return void flow.fitView({ padding: 0.15, maxZoom: 1.2, duration: 200 });
    case 'zoom-in':
      return void flow.zoomIn();
    case 'zoom-out':
      return void flow.zoomOut();
    case 'toggle-minimap':
      return st.setPrefs({ minimap: !st.prefs.minimap });
    case 'validate':
      return void runValidate();
    case 'plan':
      return void runPlan();
    case 'apply':
      return void runApply();
    case 'status':
      return void refreshStatus(true);
    case 'destroy':
      return ui.set({ dialog: 'destroy', destroy: { running: false } });
    case 'shortcuts':
    case 'about':
      return ui.set({ dialog: 'help' });
  }
}

/** Installs the bridge for the page's lifetime. */
export function useHostBridge(flow: Flow): void {
  useEffect(() => {
    const api = getApi();
    let alive = true;
    void api['app:info']({}).then((r) => {
      if (!alive) return;
      if (r.ok) {
        useUi.getState().set({ info: r.value, infoError: undefined });
        // The window title and close prompt start from the current state, not from the first edit.
        const s = editorStore.getState();
        if (r.value.mode === 'electron')
          void api['document:state']({ fileName: s.fileName, dirty: selectDirty(s) });
      } else useUi.getState().set({ infoError: r.error });
    });
    const offMenu = api.on('menu:command', (p) => runMenuCommand(p.command, flow, p.exampleId));
    const offOpened = api.on('file:opened', (p) => confirmDiscard(() => void openText(p.text, p.fileName)));
    let last = '';
    const offStore = editorStore.subscribe((s) => {
      const fileName = s.fileName;
      const dirty = selectDirty(s);
      const key = `${fileName}|${dirty}`;
      if (key === last) return;
      last = key;
      document.title = `${fileName ?? 'untitled'}${dirty ? ' •' : ''} — netplumb`;
      if (useUi.getState().info?.mode === 'electron') void api['document:state']({ fileName, dirty });
    });
    // Why: closing or reloading the tab must not lose unsaved work (browser mode): it is autosaved
    // (and offered back on the next start); only when that cannot be done does the browser ask.
    const beforeUnload = (e: BeforeUnloadEvent) => {
      if (useUi.getState().info?.mode === 'electron') return; // the main process asks with a native prompt
      if (selectDirty(editorStore.getState()) && !flushAutosave()) e.preventDefault();
    };
    window.addEventListener('beforeunload', beforeUnload);
    return () => {
      alive = false;
      offMenu();
      offOpened();
      offStore();
      window.removeEventListener('beforeunload', beforeUnload);
    };
  }, [flow]);
}
