/**
 * The live lab bar under the toolbar: lessons, checks, terminals, ping and
 * step mode. It also starts the link-traffic polling while a lab is applied.
 */
import { useEffect } from 'react';
import { isNetnsNode } from '../../../shared/model';
import { useEditor } from '../../store/editor';
import { LessonsDialog } from '../lesson/LessonsDialog';
import { runChecks } from './checks';
import { showTab, useAppliedLab, useLive } from './live-store';
import { openTerminal } from './terminals';
import { startTrafficPolling } from './traffic';
import './live.css';

/** The bar. */
export function LabBar() {
  const lab = useAppliedLab();
  const lessons = useLive((s) => s.lessonsDialog);
  const setLessons = (open: boolean) => useLive.getState().set({ lessonsDialog: open });
  const hasLesson = useEditor((s) => !!s.doc.lesson);
  const nExpect = useEditor((s) => s.doc.expect.length);
  const sel = useEditor((s) =>
    s.selection.nodes.length === 1 ? s.doc.nodes.find((n) => n.id === s.selection.nodes[0]) : undefined,
  );
  const lessonOpen = useLive((s) => s.lessonStep >= 0);
  const checksRunning = useLive((s) => s.checksRunning);
  const checks = useLive((s) => s.checks);
  useEffect(() => startTrafficPolling(), []);
  const shellable = sel && isNetnsNode(sel);
  const notApplied = 'Apply the lab first';
  return (
    <div className="np-labbar" role="toolbar" aria-label="Live lab">
      <button
        type="button"
        className="np-btn np-btn--small"
        onClick={() => setLessons(true)}
        title="New from lesson: a lab with step-by-step text and checks"
      >
        Lessons…
      </button>
      {hasLesson && (
        <button
          type="button"
          className={`np-btn np-btn--small np-toggle${lessonOpen ? ' is-on' : ''}`}
          aria-pressed={lessonOpen}
          onClick={() => useLive.getState().set({ lessonStep: lessonOpen ? -1 : 0 })}
        >
          Lesson
        </button>
      )}
      <span className="np-labbar__sep" />
      <button
        type="button"
        className="np-btn np-btn--small"
        disabled={!lab || !nExpect || checksRunning}
        title={
          !lab
            ? notApplied
            : !nExpect
              ? 'The lab has no expectations'
              : `Ping for each of the ${nExpect} expectations and compare`
        }
        onClick={() => void runChecks()}
      >
        {checksRunning ? 'Checking…' : 'Run checks'}
      </button>
      {checks && (
        <span className={checks.ok ? 'np-ok' : 'np-bad'}>
          {checks.ok
            ? `✓ ${checks.passed}/${checks.results.length}`
            : `✗ ${checks.failed + checks.errors}/${checks.results.length} fail`}
        </span>
      )}
      <button
        type="button"
        className="np-btn np-btn--small"
        disabled={!lab || !shellable}
        title={
          !lab ? notApplied : !shellable ? 'Select a namespace or router' : `A shell inside ${sel!.name}`
        }
        onClick={() => lab && sel && void openTerminal(lab, sel.id, sel.name)}
      >
        Open terminal
      </button>
      <button
        type="button"
        className="np-btn np-btn--small"
        disabled={!lab}
        title={lab ? 'Ping or traceroute between two nodes' : notApplied}
        onClick={() => showTab('tools')}
      >
        Ping…
      </button>
      <button
        type="button"
        className="np-btn np-btn--small"
        disabled={!lab}
        title={lab ? 'Send one ping and follow it hop by hop' : notApplied}
        onClick={() => showTab('trace')}
      >
        {/* "…": it opens step mode, whose own button "Trace a ping" sends the ping (two buttons, two names). */}
        Trace a ping…
      </button>
      <span className="np-labbar__state">
        {lab ? `Lab ${lab} is applied` : 'Not applied: terminals, tables and checks need Apply'}
      </span>
      {lessons && <LessonsDialog onClose={() => setLessons(false)} />}
    </div>
  );
}
