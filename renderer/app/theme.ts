/** Dark and light themes: follow the system unless the user picked one; remembered in localStorage. */
import { useEffect, useState } from 'react';
import { editorStore, useEditor } from '../store/editor';

const KEY = 'netplumb.prefs';

/** Restores saved view preferences (theme, minimap, snap). */
export function restorePrefs(): void {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return;
    const p = JSON.parse(raw);
    const theme = ['system', 'light', 'dark'].includes(p.theme) ? p.theme : 'system';
    editorStore
      .getState()
      .setPrefs({ theme, minimap: p.minimap !== false, snapToGrid: p.snapToGrid !== false });
  } catch {
    // Unreadable preferences are ignored.
  }
}

editorStore.subscribe((s, prev) => {
  if (s.prefs === prev.prefs) return;
  try {
    localStorage.setItem(KEY, JSON.stringify(s.prefs));
  } catch {
    // Storage may be unavailable (file:// or private mode); preferences then last for the session.
  }
});

/** The theme in effect ('light' or 'dark'), kept on <html data-theme>. */
export function useResolvedTheme(): 'light' | 'dark' {
  const pref = useEditor((s) => s.prefs.theme);
  const [systemDark, setSystemDark] = useState(
    () => window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false,
  );
  useEffect(() => {
    const mq = window.matchMedia?.('(prefers-color-scheme: dark)');
    if (!mq) return;
    const on = () => setSystemDark(mq.matches);
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, []);
  const resolved = pref === 'system' ? (systemDark ? 'dark' : 'light') : pref;
  useEffect(() => {
    document.documentElement.dataset.theme = resolved;
  }, [resolved]);
  return resolved;
}
