/** The bottom bar: lab status summary (status overlay), live mode state, and toasts. */
import { useEffect } from 'react';
import { useEditor } from '../store/editor';
import { hideStatus } from '../store/lab-actions';
import { useUi } from '../store/ui-store';
import { PrefixSetting } from './PrefixSetting';

/** Status summary and messages. */
export function StatusBar() {
  const statusOn = useUi((s) => s.statusOn);
  const statusError = useUi((s) => s.statusError);
  const live = useUi((s) => s.live);
  const liveMode = useUi((s) => s.liveMode);
  const toast = useUi((s) => s.toast);
  const status = useEditor((s) => s.status);
  const lab = useEditor((s) => s.doc.name);
  useEffect(() => {
    if (!toast) return;
    const t = setTimeout(() => useUi.getState().set({ toast: null }), toast.kind === 'error' ? 9000 : 4000);
    return () => clearTimeout(t);
  }, [toast]);
  let summary: string | null = null;
  // Green only for what the kernel side confirmed about this very lab; a refusal or a conflict is a warning.
  let tone: 'ok' | 'warn' | '' = '';
  if (statusOn) {
    const conflict = status?.conflicts?.[0]?.message;
    if (statusError) {
      summary = `Status unavailable: ${statusError}`;
      tone = 'warn';
    } else if (!status || status.doc.name !== lab) summary = `Reading the state of lab ${lab}…`;
    else if (!status.applied) summary = `Lab ${lab}: not applied${conflict ? ` — ${conflict}` : ''}`;
    else if (conflict) {
      summary = `Lab ${lab}: cannot compare — ${conflict}`;
      tone = 'warn';
    } else if (status.inSync) {
      summary = `Lab ${lab}: in sync with the kernel`;
      tone = 'ok';
    } else {
      const missing = status.drift.filter((d) => d.state === 'missing').length;
      summary = `Lab ${lab}: drifted — ${status.drift.length} difference${status.drift.length === 1 ? '' : 's'}${missing ? ` (${missing} missing)` : ''}`;
      tone = 'warn';
    }
  }
  return (
    <footer className="np-statusbar">
      {summary && (
        <div
          className={`np-statusbar__status${tone ? ` is-${tone}` : ''}`}
          role="status"
          aria-label="Lab status"
          title={status?.drift.map((d) => `${d.state}: ${d.detail}`).join('\n') || undefined}
        >
          {summary}
          <button type="button" className="np-btn np-btn--ghost np-btn--small" onClick={hideStatus}>
            Hide status
          </button>
        </div>
      )}
      {liveMode && (
        <div className={`np-statusbar__live is-${live.state}`} role="status" aria-label="Live mode">
          {live.text}
        </div>
      )}
      <div className="np-statusbar__spacer" />
      <PrefixSetting />
      {toast && (
        <div className={`np-toast is-${toast.kind}`} role={toast.kind === 'error' ? 'alert' : 'status'}>
          {toast.text}
        </div>
      )}
    </footer>
  );
}
