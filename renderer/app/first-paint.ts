/**
 * The page stays hidden until its first full layout is known: the start-up
 * reads (labs on this host, autosave, the drawing's name) and the kernel
 * side's info (which decides the banners above the canvas). Shown at once,
 * it paints a short layout that the banners then push down — the "flash on
 * load". A cap keeps a slow or silent server from leaving a blank page.
 */
import { useEffect, useState } from 'react';
import { startUp } from './startup';
import { useUi } from '../store/ui-store';

/** The longest the page waits before it shows anyway. */
const FIRST_PAINT_CAP_MS = 2000;

/** Resolves when the kernel side's info (or its error) has arrived. */
function infoArrived(): Promise<void> {
  const has = () => !!useUi.getState().info || !!useUi.getState().infoError;
  if (has()) return Promise.resolve();
  return new Promise((resolve) => {
    const off = useUi.subscribe(() => {
      if (!has()) return;
      off();
      resolve();
    });
  });
}

/** True once the page can be shown without a layout jump. */
export function useFirstPaintReady(cap = FIRST_PAINT_CAP_MS): boolean {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    let live = true;
    const show = () => live && setReady(true);
    const t = setTimeout(show, cap);
    void Promise.all([startUp().catch(() => undefined), infoArrived()]).then(show);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [cap]);
  return ready;
}
