/**
 * Student mode: the activity's instructions, its visible checks with points,
 * "Check my work" (the score per check with plain-words hints), "Hand in" and
 * "Print worksheet".
 */
import { describeCheck } from '../../../shared/activity';
import { useEditor } from '../../store/editor';
import { MarkdownView } from '../lesson/MarkdownView';
import { checkMyWork, handIn } from './activity-actions';
import { startAuthor, useActivity } from './activity-store';
import { printWorksheet } from './Worksheet';
import { Padlock } from './LockMark';

const STATUS_TEXT = {
  pass: 'passes',
  fail: 'does not pass yet',
  error: 'could not be checked',
  skipped: 'not possible on this machine',
  'not run': 'not run',
} as const;

export function StudentPanel() {
  const doc = useEditor((s) => s.doc);
  const { result, checking, error, student, refused, set } = useActivity();
  const activity = doc.activity;
  if (!activity) return null;
  const rows = new Map((result?.checks ?? []).map((c) => [c.id, c]));
  const locked = activity.locked.nodes.length + activity.locked.links.length + activity.locked.fields.length;
  return (
    <aside className="np-activity" aria-label="Activity">
      <header className="np-activity__head">
        <div className="np-lesson__title">Activity</div>
        <h2>{doc.lesson?.title ?? doc.name}</h2>
      </header>
      <div className="np-activity__body">
        {(doc.lesson?.steps ?? []).map((s, i) => (
          <section key={i} className="np-activity__step" aria-label={`Step ${i + 1}: ${s.title}`}>
            <h3>
              {i + 1}. {s.title}
            </h3>
            <MarkdownView text={s.text} />
          </section>
        ))}
        {locked > 0 && (
          <p className="np-field__hint">
            <Padlock /> The padlocked parts are given by the teacher and cannot be changed (you may still move
            them).
          </p>
        )}
        {refused && (
          <p className="np-activity__refused" role="status">
            {refused}
          </p>
        )}
        <h3 className="np-activity__sub">
          Checks
          {result && (
            <span className="np-activity__score" data-testid="activity-score">
              {' '}
              — score {result.score}/{result.max}
              {result.stale ? ' (before your last changes)' : ''}
            </span>
          )}
        </h3>
        <ul className="np-activity__checks" aria-label="Checks">
          {activity.checks.map((c) => {
            const r = rows.get(c.id);
            return (
              <li
                key={c.id}
                className={r ? `is-${r.status.replace(' ', '-')}` : undefined}
                data-testid={`check-${c.id}`}
              >
                <div className="np-activity__check-title">
                  <span aria-hidden="true">
                    {r ? (r.status === 'pass' ? '✔' : r.status === 'fail' ? '✘' : '•') : '○'}
                  </span>{' '}
                  {c.title ?? describeCheck(c, doc)}
                  <span className="np-activity__pts">
                    {r ? `${r.earned}/${r.points}` : `${c.points} pt${c.points === 1 ? '' : 's'}`}
                  </span>
                </div>
                {r && (
                  <div className="np-field__hint">
                    {STATUS_TEXT[r.status]}: {r.detail}
                  </div>
                )}
                {r && r.status !== 'pass' && r.hint && (
                  <div className="np-activity__hint">Hint: {r.hint}</div>
                )}
              </li>
            );
          })}
        </ul>
        {error && (
          <p className="np-error" role="alert">
            {error}
          </p>
        )}
      </div>
      <footer className="np-activity__foot">
        <button
          type="button"
          className="np-btn np-btn--primary"
          disabled={checking}
          onClick={() => void checkMyWork()}
          title="Run the checks on the lab as it runs now (Apply first); changes nothing"
        >
          {checking ? 'Checking…' : 'Check my work'}
        </button>
        <label className="np-activity__name">
          Your name{' '}
          <input
            value={student}
            onChange={(e) => set({ student: e.target.value })}
            placeholder="for the report"
          />
        </label>
        <div className="np-activity__row">
          <button
            type="button"
            className="np-btn"
            disabled={!result || result.stale}
            onClick={() => void handIn()}
            title={
              !result
                ? 'Check your work first'
                : result.stale
                  ? 'The drawing changed since the last check: check your work again'
                  : 'Write the report and your topology file'
            }
          >
            Hand in
          </button>
          <button
            type="button"
            className="np-btn"
            onClick={printWorksheet}
            title="Print the instructions, checks and diagram"
          >
            Print worksheet
          </button>
          <button
            type="button"
            className="np-btn np-btn--ghost"
            onClick={() => startAuthor(doc)}
            title="Edit this activity as its teacher (locks off)"
          >
            Edit as teacher
          </button>
        </div>
      </footer>
    </aside>
  );
}
