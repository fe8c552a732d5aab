/**
 * Authoring: the teacher writes the steps, locks parts by selecting them,
 * adds checks by pointing (the selection → suggestChecks' buttons) with
 * points and a hidden flag, and saves the activity and its answer key.
 */
import { useState } from 'react';
import {
  addCheck,
  allChecks,
  describeCheck,
  removeCheck,
  suggestChecks,
  toggleLocks,
  validateActivity,
} from '../../../shared/activity';
import type { Selection as CheckSelection } from '../../../shared/activity';
import type { Lesson } from '../../../shared/model';
import { editorStore, useEditor } from '../../store/editor';
import { toast } from '../../store/ui-store';
import { openKeyText, saveActivity } from './activity-actions';
import { startStudent, useActivity } from './activity-store';
import { printWorksheet } from './Worksheet';

function StepsEditor({ lesson }: { lesson: Lesson }) {
  const put = (l: Lesson, key?: string) => editorStore.getState().updateLab({ lesson: l }, key);
  const putStep = (i: number, p: Partial<Lesson['steps'][number]>, key: string) =>
    put({ ...lesson, steps: lesson.steps.map((s, j) => (j === i ? { ...s, ...p } : s)) }, `step${i}:${key}`);
  return (
    <>
      <label className="np-field">
        <span className="np-field__label">Activity title</span>
        <input
          value={lesson.title}
          onChange={(e) => put({ ...lesson, title: e.target.value }, 'lesson-title')}
        />
      </label>
      {lesson.steps.map((s, i) => (
        <fieldset key={i} className="np-activity__stepedit">
          <legend>Step {i + 1}</legend>
          <input
            aria-label={`Step ${i + 1} title`}
            value={s.title}
            onChange={(e) => putStep(i, { title: e.target.value }, 'title')}
          />
          <textarea
            aria-label={`Step ${i + 1} text`}
            rows={4}
            value={s.text}
            onChange={(e) => putStep(i, { text: e.target.value }, 'text')}
            placeholder="Markdown: what to build or repair"
          />
          {lesson.steps.length > 1 && (
            <button
              type="button"
              className="np-btn np-btn--small"
              onClick={() => put({ ...lesson, steps: lesson.steps.filter((_, j) => j !== i) })}
            >
              Remove step {i + 1}
            </button>
          )}
        </fieldset>
      ))}
      <button
        type="button"
        className="np-btn np-btn--small"
        onClick={() =>
          put({ ...lesson, steps: [...lesson.steps, { title: `Step ${lesson.steps.length + 1}`, text: '' }] })
        }
      >
        Add a step
      </button>
    </>
  );
}

/** The checks the selection suggests: a link selected offers both of its ends. */
function suggestionsFor(sel: { nodes: string[]; links: string[] }): CheckSelection[] {
  if (sel.links.length === 1 && sel.nodes.length === 0)
    return (['a', 'b'] as const).map((end) => ({ nodes: [], end: { linkId: sel.links[0], end } }));
  return sel.nodes.length ? [{ nodes: sel.nodes }] : [];
}

export function AuthorPanel() {
  const doc = useEditor((s) => s.doc);
  const sel = useEditor((s) => s.selection);
  const key = useActivity((s) => s.key);
  const [points, setPoints] = useState(1);
  const [hidden, setHidden] = useState(false);
  const activity = doc.activity;
  if (!activity || !key) return null;
  const placed = allChecks(doc, key);
  const taken = placed.map((c) => c.id);
  // A link end's suggestions name only the interface: say whose it is (both ends are offered).
  const suggestions = suggestionsFor(sel).flatMap((s) =>
    suggestChecks(doc, s, taken).map((x) =>
      s.end && 'node' in x.check ? { ...x, label: `${x.check.node}: ${x.label}` } : x,
    ),
  );
  const problems = validateActivity(doc, key).filter((p) => p.severity === 'error');
  const lockedNow =
    sel.nodes.filter((id) => activity.locked.nodes.includes(id)).length +
    sel.links.filter((id) => activity.locked.links.includes(id)).length;
  const setActivity = (a: typeof activity) => editorStore.getState().updateLab({ activity: a });
  const lock = (on: boolean) => setActivity({ ...activity, locked: toggleLocks(activity.locked, sel, on) });
  const add = (check: (typeof suggestions)[number]['check']) => {
    try {
      const r = addCheck(doc, key, { ...check, points }, hidden);
      if (r.topology !== doc) editorStore.getState().updateLab({ activity: r.topology.activity });
      useActivity.getState().set({ key: r.key });
    } catch (e) {
      toast(e instanceof Error ? e.message : String(e), 'error');
    }
  };
  const remove = (id: string) => {
    const r = removeCheck(doc, key, id);
    editorStore.getState().updateLab({ activity: r.topology.activity });
    useActivity.getState().set({ key: r.key });
  };
  return (
    <aside className="np-activity" aria-label="Activity editor">
      <header className="np-activity__head">
        <div className="np-lesson__title">Writing an activity</div>
        <h2>{doc.lesson?.title ?? doc.name}</h2>
      </header>
      <div className="np-activity__body">
        {doc.lesson && <StepsEditor lesson={doc.lesson} />}
        <h3 className="np-activity__sub">Locks</h3>
        <p className="np-field__hint">
          {activity.locked.nodes.length} node{activity.locked.nodes.length === 1 ? '' : 's'} and{' '}
          {activity.locked.links.length} link{activity.locked.links.length === 1 ? '' : 's'} locked. Select
          parts on the canvas, then:
        </p>
        <div className="np-activity__row">
          <button
            type="button"
            className="np-btn np-btn--small"
            disabled={!sel.nodes.length && !sel.links.length}
            onClick={() => lock(true)}
          >
            Lock
          </button>
          <button
            type="button"
            className="np-btn np-btn--small"
            disabled={!lockedNow}
            onClick={() => lock(false)}
          >
            Unlock
          </button>
        </div>
        <h3 className="np-activity__sub">Add a check</h3>
        {!suggestions.length && (
          <p className="np-field__hint">
            Select two nodes (reach / not reach), a bridge and a node (MAC learned), or a link (an interface
            up / down / its address).
          </p>
        )}
        <div className="np-activity__row">
          <label>
            Points{' '}
            <input
              type="number"
              min={0}
              max={1000}
              value={points}
              onChange={(e) =>
                setPoints(Math.max(0, Math.min(1000, Math.round(Number(e.target.value) || 0))))
              }
              style={{ width: 56 }}
            />
          </label>
          <label>
            <input type="checkbox" checked={hidden} onChange={(e) => setHidden(e.target.checked)} /> Hidden
            (answer key only)
          </label>
        </div>
        <ul className="np-activity__suggest" aria-label="Suggested checks">
          {suggestions.map((s) => (
            <li key={s.check.id}>
              <button type="button" className="np-btn np-btn--small" onClick={() => add(s.check)}>
                {s.label}
              </button>
            </li>
          ))}
        </ul>
        <h3 className="np-activity__sub">
          Checks ({placed.length}, {placed.reduce((n, c) => n + c.points, 0)} points)
        </h3>
        <ul className="np-activity__checks" aria-label="Activity checks">
          {placed.map((c) => (
            <li key={c.id} data-testid={`check-${c.id}`}>
              <div className="np-activity__check-title">
                {describeCheck(c, doc)} {c.hidden && <span className="np-tag">hidden</span>}
                <span className="np-activity__pts">
                  {c.points} pt{c.points === 1 ? '' : 's'}
                </span>
              </div>
              <button
                type="button"
                className="np-btn np-btn--small np-btn--ghost"
                aria-label={`Remove check ${c.id}`}
                onClick={() => remove(c.id)}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
        {problems.map((p, i) => (
          <p key={i} className="np-error">
            {p.message}
          </p>
        ))}
      </div>
      <footer className="np-activity__foot">
        <div className="np-activity__row">
          <button
            type="button"
            className="np-btn np-btn--primary"
            disabled={problems.length > 0}
            onClick={() => void saveActivity()}
            title="Save the activity (for students) and its answer key (for you)"
          >
            Save activity
          </button>
          <button type="button" className="np-btn" onClick={printWorksheet}>
            Print worksheet
          </button>
          <label
            className="np-btn"
            title="Load the hidden checks of this activity (ACTIVITY.key.yaml) to edit them"
          >
            Open answer key…
            <input
              type="file"
              accept=".yaml,.yml,.json"
              hidden
              aria-label="Open answer key"
              onChange={async (e) => {
                const f = e.target.files?.[0];
                e.target.value = '';
                if (f) openKeyText(await f.text(), f.name);
              }}
            />
          </label>
          <button
            type="button"
            className="np-btn np-btn--ghost"
            onClick={() => startStudent(doc)}
            title="Try it as a student would (locks on)"
          >
            Try as student
          </button>
        </div>
      </footer>
    </aside>
  );
}
