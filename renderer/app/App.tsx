/** The page: toolbar, palette, canvas, inspector, problems, dialogs. */
import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { Canvas } from '../canvas/Canvas';
import { canvasExtensions } from './canvas-extensions';
import { ApplyDialog } from '../panels/ApplyDialog';
import { Banner } from '../panels/Banner';
import { ExamplesDialog } from '../panels/ExamplesDialog';
import { GeneratorDialog } from '../panels/GeneratorDialog';
import { Inspector } from '../panels/Inspector';
import { Palette } from '../panels/Palette';
import { PlanDialog } from '../panels/PlanDialog';
import { ProblemsPanel } from '../panels/ProblemsPanel';
import { DestroyDialog, DiscardDialog, HelpDialog } from '../panels/SmallDialogs';
import { StatusBar } from '../panels/StatusBar';
import { Toolbar } from '../panels/Toolbar';
import { BottomPanel } from '../panels/live/BottomPanel';
import { LabBar } from '../panels/live/LabBar';
import { LessonPanel } from '../panels/lesson/LessonPanel';
import { ActivityPanel } from '../panels/activity/ActivityPanel';
import type { FlowEdge, FlowNode } from '../store/derive';
import { useHostBridge } from './desktop-bridge';
import { ExportDialog } from '../panels/ExportDialog';
import { LabsDialog } from '../panels/LabsDialog';
import { useStartUp } from './startup';
import { useFirstPaintReady } from './first-paint';
import { onFilePicked, registerFileInput } from '../store/file-actions';
import { useShortcuts } from './shortcuts';
import { useResolvedTheme } from './theme';
import { useUi } from '../store/ui-store';

function Dialogs() {
  const dialog = useUi((s) => s.dialog);
  switch (dialog) {
    case 'plan':
      return <PlanDialog />;
    case 'apply':
      return <ApplyDialog />;
    case 'destroy':
      return <DestroyDialog />;
    case 'help':
      return <HelpDialog />;
    case 'generate':
      return <GeneratorDialog />;
    case 'discard':
      return <DiscardDialog />;
    case 'examples':
      return <ExamplesDialog />;
    case 'export':
      return <ExportDialog />;
    case 'labs':
      return <LabsDialog />;
    default:
      return null;
  }
}

function Shell() {
  const flow = useReactFlow<FlowNode, FlowEdge>();
  const theme = useResolvedTheme();
  useShortcuts(flow);
  useHostBridge(flow);
  useStartUp();
  const ready = useFirstPaintReady();
  return (
    // Hidden (laid out, not painted) until the first full layout is known: no flash on load.
    <div className="np-app" data-loading={ready ? undefined : ''} aria-busy={!ready}>
      <Toolbar />
      <Banner />
      <main className="np-main">
        <Palette />
        <div className="np-center">
          <LabBar />
          <div className="np-center__row">
            <ActivityPanel />
            <LessonPanel />
            <Canvas colorMode={theme} extensions={canvasExtensions} />
          </div>
          <BottomPanel />
        </div>
        <Inspector />
      </main>
      <ProblemsPanel />
      <StatusBar />
      <Dialogs />
      <input
        ref={registerFileInput}
        type="file"
        accept=".yaml,.yml,.json,application/json,application/yaml,text/yaml"
        aria-label="Open topology file"
        data-testid="open-file-input"
        hidden
        onChange={(e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (f) void onFilePicked(f);
        }}
      />
    </div>
  );
}

/** The app root. */
export function App() {
  return (
    <ReactFlowProvider>
      <Shell />
    </ReactFlowProvider>
  );
}
