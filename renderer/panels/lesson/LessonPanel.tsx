/** The lesson side panel: one step of the open document's lesson at a time, with Previous/Next. */
import { useEditor } from '../../store/editor';
import { useLive } from '../live/live-store';
import { MarkdownView } from './MarkdownView';
import { useRefitOn } from '../live/use-refit';
import './lesson.css';

export function LessonPanel() {
  const lesson = useEditor((s) => s.doc.lesson);
  const step = useLive((s) => s.lessonStep);
  const set = useLive((s) => s.set);
  const checks = useLive((s) => s.checks);
  useRefitOn(!!lesson && step >= 0);
  if (!lesson || step < 0) return null;
  const i = Math.min(step, lesson.steps.length - 1);
  const cur = lesson.steps[i];
  return (
    <aside className="np-lesson" aria-label="Lesson">
      <header className="np-lesson__head">
        <div>
          <div className="np-lesson__title">{lesson.title}</div>
          <h2>{cur.title}</h2>
        </div>
        <button
          type="button"
          className="np-btn np-btn--ghost"
          aria-label="Hide the lesson"
          onClick={() => set({ lessonStep: -1 })}
        >
          ✕
        </button>
      </header>
      <div className="np-lesson__body">
        <MarkdownView text={cur.text} />
      </div>
      {checks && (
        <p className={`np-lesson__checks ${checks.ok ? 'np-ok' : 'np-bad'}`} role="status">
          {checks.ok
            ? `Well done: all ${checks.passed} checks pass.`
            : `${checks.failed + checks.errors} of ${checks.results.length} checks do not pass yet (see Checks).`}
        </p>
      )}
      <footer className="np-lesson__foot">
        <button
          type="button"
          className="np-btn np-btn--small"
          disabled={i === 0}
          onClick={() => set({ lessonStep: i - 1 })}
        >
          Previous
        </button>
        <span>
          Step {i + 1} of {lesson.steps.length}
        </span>
        <button
          type="button"
          className="np-btn np-btn--small"
          disabled={i >= lesson.steps.length - 1}
          onClick={() => set({ lessonStep: i + 1 })}
        >
          Next
        </button>
      </footer>
    </aside>
  );
}
