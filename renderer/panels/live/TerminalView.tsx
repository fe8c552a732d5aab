/**
 * One xterm.js terminal bound to a shell on the kernel side. It uses the
 * canvas renderer: xterm's DOM renderer injects <style> elements, which the
 * page's strict CSP (style-src 'self') refuses.
 */
import { useEffect, useRef } from 'react';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { CanvasAddon } from '@xterm/addon-canvas';
import '@xterm/xterm/css/xterm.css';
import { attachSink, detachSink, resizeTerminal, sendInput } from './terminals';

/** The terminal of tab `id`; `visible` refits it when its tab is shown. */
export function TerminalView({ id, visible, exited }: { id: string; visible: boolean; exited?: string }) {
  const host = useRef<HTMLDivElement>(null);
  const fitRef = useRef<FitAddon | null>(null);
  const termRef = useRef<Terminal | null>(null);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    // screenReaderMode keeps the visible rows as text in the DOM (screen readers, and the stories read it).
    const term = new Terminal({
      screenReaderMode: true,
      cursorBlink: true,
      fontSize: 13,
      fontFamily: 'ui-monospace, Menlo, monospace',
      scrollback: 5000,
      convertEol: false,
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.loadAddon(new CanvasAddon());
    term.open(el);
    fitRef.current = fit;
    termRef.current = term;
    for (const d of attachSink(id, { write: (data) => term.write(data) })) term.write(d);
    const input = term.onData((d) => sendInput(id, d));
    const resized = term.onResize(({ cols, rows }) => resizeTerminal(id, cols, rows));
    const ro = new ResizeObserver(() => {
      if (el.offsetParent) fit.fit();
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      input.dispose();
      resized.dispose();
      detachSink(id);
      term.dispose();
    };
  }, [id]);

  useEffect(() => {
    if (!visible) return;
    const t = setTimeout(() => {
      fitRef.current?.fit();
      termRef.current?.focus();
    }, 0);
    return () => clearTimeout(t);
  }, [visible]);

  useEffect(() => {
    if (exited && termRef.current) termRef.current.options.disableStdin = true;
  }, [exited]);

  return <div ref={host} className="np-term" data-testid={`terminal-${id}`} hidden={!visible} />;
}
