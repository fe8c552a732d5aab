/** The Checks tab: pass/fail per expectation of the last run. */
import { useLive, useAppliedLab } from './live-store';
import { runChecks } from './checks';

export function ChecksView() {
  const lab = useAppliedLab();
  const { checks, checksRunning, checksError } = useLive();
  return (
    <div className="np-checks" role="group" aria-label="Checks">
      <div className="np-live-row">
        <button
          type="button"
          className="np-btn np-btn--small"
          disabled={!lab || checksRunning}
          onClick={() => void runChecks()}
          title={lab ? 'Ping per expectation (bounded) and compare' : 'Apply the lab first'}
        >
          {checksRunning ? 'Checking…' : 'Run checks again'}
        </button>
        {checks && (
          <span className={checks.ok ? 'np-ok' : 'np-bad'} data-testid="checks-summary">
            {checks.ok
              ? `All ${checks.passed} checks pass`
              : `${checks.passed} pass, ${checks.failed} fail${checks.errors ? `, ${checks.errors} error${checks.errors > 1 ? 's' : ''}` : ''}`}
          </span>
        )}
      </div>
      {checksError && <p className="np-live-empty is-error">Could not run the checks: {checksError}</p>}
      {checks && (
        <ul className="np-check-list" aria-label="Check results">
          {checks.results.map((c) => (
            <li key={c.index} className={`is-${c.status}`}>
              <span className="np-check-mark" aria-hidden="true">
                {c.status === 'pass' ? '✓' : c.status === 'fail' ? '✗' : '!'}
              </span>
              <strong>{c.label}</strong>{' '}
              <span className="np-muted">
                — {c.status}: {c.detail}
              </span>
            </li>
          ))}
        </ul>
      )}
      {!checks && !checksError && (
        <p className="np-live-empty">
          {lab
            ? 'Press Run checks to test every expectation of the lab.'
            : 'Apply the lab, then run its checks.'}
        </p>
      )}
    </div>
  );
}
