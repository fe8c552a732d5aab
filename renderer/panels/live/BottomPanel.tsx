/**
 * The live lab panel under the canvas: terminal tabs, the selected node's
 * live tables, check results, ping/traceroute and step mode.
 */
import { lazy, Suspense } from 'react';
import { ChecksView } from './ChecksView';
import { TablesView } from './TablesView';
import { ToolsView } from './ToolsView';
import { TraceView } from './TraceView';
import { closeTerminal } from './terminals';
import { useLive, type BottomTab } from './live-store';
import { useRefitOn } from './use-refit';
import './live.css';
import { useEditor } from '../../store/editor';

// xterm.js is loaded only when a terminal opens: it would add ~300 KB to every page load.
const TerminalView = lazy(() => import('./TerminalView').then((m) => ({ default: m.TerminalView })));

const TABS: { id: BottomTab; label: string }[] = [
  { id: 'terminals', label: 'Terminals' },
  { id: 'tables', label: 'Live tables' },
  { id: 'checks', label: 'Checks' },
  { id: 'tools', label: 'Ping' },
  { id: 'trace', label: 'Step mode' },
];

function Terminals() {
  const terms = useLive((s) => s.terms);
  const active = useLive((s) => s.activeTerm);
  const set = useLive((s) => s.set);
  if (!terms.length)
    return (
      <p className="np-live-empty">
        No terminal open. Right-click a namespace or router of the applied lab and choose Open terminal.
      </p>
    );
  return (
    <div className="np-terms">
      <div className="np-term-tabs" role="tablist" aria-label="Terminals">
        {terms.map((t) => (
          <span
            key={t.id}
            className={`np-term-tab${t.id === active ? ' is-active' : ''}${t.exited ? ' is-exited' : ''}`}
          >
            <button
              type="button"
              role="tab"
              aria-selected={t.id === active}
              onClick={() => set({ activeTerm: t.id })}
              title={t.exited ?? `shell in ${t.title}`}
            >
              {t.title}
            </button>
            <button
              type="button"
              className="np-term-close"
              aria-label={`Close terminal ${t.title}`}
              onClick={() => closeTerminal(t.id)}
            >
              ✕
            </button>
          </span>
        ))}
      </div>
      {terms.find((t) => t.id === active)?.notice && (
        <p className="np-term-notice" role="status">
          {terms.find((t) => t.id === active)?.notice}
        </p>
      )}
      <div className="np-term-body">
        {terms.map((t) => (
          <Suspense key={t.id} fallback={<p className="np-muted">Starting the terminal…</p>}>
            <TerminalView id={t.id} visible={t.id === active} exited={t.exited} />
          </Suspense>
        ))}
      </div>
    </div>
  );
}

/** The bottom panel (collapsed to its tab strip when closed). */
export function BottomPanel() {
  const open = useLive((s) => s.bottomOpen);
  const tab = useLive((s) => s.tab);
  const nTerms = useLive((s) => s.terms.length);
  const set = useLive((s) => s.set);
  // Ping/traceroute results describe the document they were run on: another document starts them afresh.
  const loadSeq = useEditor((s) => s.loadSeq);
  useRefitOn(open);
  return (
    <section className={`np-bottom${open ? ' is-open' : ''}`} aria-label="Live lab">
      <div className="np-bottom__tabs" role="tablist" aria-label="Live lab panels">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={open && tab === t.id}
            className={open && tab === t.id ? 'is-active' : undefined}
            onClick={() =>
              set(open && tab === t.id ? { bottomOpen: false } : { bottomOpen: true, tab: t.id })
            }
          >
            {t.label}
            {t.id === 'terminals' && nTerms ? ` (${nTerms})` : ''}
          </button>
        ))}
        {open && (
          <button
            type="button"
            className="np-bottom__hide"
            onClick={() => set({ bottomOpen: false })}
            aria-label="Hide the live lab panel"
          >
            ▾
          </button>
        )}
      </div>
      {/* Terminals stay mounted while hidden so their scrollback survives switching tabs. */}
      <div className="np-bottom__body" hidden={!open}>
        <div hidden={tab !== 'terminals'} className="np-bottom__pane">
          <Terminals />
        </div>
        {tab === 'tables' && open && (
          <div className="np-bottom__pane">
            <TablesView />
          </div>
        )}
        {tab === 'checks' && (
          <div className="np-bottom__pane">
            <ChecksView />
          </div>
        )}
        {tab === 'tools' && (
          <div className="np-bottom__pane">
            <ToolsView key={loadSeq} />
          </div>
        )}
        {tab === 'trace' && (
          <div className="np-bottom__pane">
            <TraceView />
          </div>
        )}
      </div>
    </section>
  );
}
