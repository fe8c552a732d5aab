/**
 * The user's name prefix in the status bar (shared machines, issue 16): "Names
 * prefixed with st3-", and a small field to change it. The kernel side keeps
 * the prefix in the user's config file (the one the CLI reads) and puts it on
 * every kernel name; the drawing keeps its own names.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { checkPrefix } from '../../shared/model/prefix';
import { getApi } from '../api';
import { refreshStatus } from '../store/lab-actions';
import { toast, useUi } from '../store/ui-store';
import { usePrefix } from '../store/prefix-store';

/** Prefix indicator and editor; hidden where the kernel side has no such setting (the demo). */
export function PrefixSetting() {
  const [prefix, setPrefix] = useState<string | undefined | null>(null);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let gone = false;
    void getApi()
      ['settings:prefix']({})
      .then((r) => {
        if (gone || !r.ok) return;
        setPrefix(r.value.prefix);
        usePrefix.getState().set(r.value.prefix);
      });
    return () => {
      gone = true;
    };
  }, []);
  if (prefix === null) return null;
  // Same rule as the CLI's --prefix, shown as the user types; the kernel side checks it again.
  const problem = draft === '' ? null : checkPrefix(draft);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (problem || busy) return;
    setBusy(true);
    const r = await getApi()['settings:prefix']({ set: draft === '' ? null : draft });
    setBusy(false);
    if (!r.ok) {
      toast(`Name prefix not changed: ${r.error}`, 'error');
      return;
    }
    setPrefix(r.value.prefix);
    usePrefix.getState().set(r.value.prefix);
    setEditing(false);
    toast(
      r.value.prefix
        ? `Kernel names are now prefixed with ${r.value.prefix} (saved in ${r.value.file})`
        : `Kernel names have no prefix now (saved in ${r.value.file})`,
    );
    // A lab applied under the old prefix is another lab now: read the state again.
    if (useUi.getState().statusOn) void refreshStatus();
  };
  if (!editing) {
    return (
      // A group named "Name prefix"; the form below has a name of its own, so a screen reader (and a test)
      // never meets two things called "Name prefix" while a save is on its way (the field keeps that name).
      <div className="np-statusbar__prefix" role="group" aria-label="Name prefix">
        <span title="Put in front of every kernel name (lab, namespaces, bridges, interfaces), so labs of several users on one machine never collide. The drawing keeps its names.">
          {prefix ? `Names prefixed with ${prefix}` : 'No name prefix'}
        </span>
        <button
          type="button"
          className="np-btn np-btn--ghost np-btn--small"
          onClick={() => {
            setDraft(prefix ?? '');
            setEditing(true);
          }}
        >
          {prefix ? 'Change' : 'Set prefix'}
        </button>
      </div>
    );
  }
  return (
    <form className="np-statusbar__prefix" aria-label="Change the name prefix" onSubmit={(e) => void save(e)}>
      <label>
        Name prefix{' '}
        <input
          className="np-statusbar__prefix-input"
          type="text"
          autoComplete="off"
          spellCheck={false}
          value={draft}
          maxLength={20}
          size={12}
          placeholder="e.g. st3-"
          aria-invalid={problem ? true : undefined}
          aria-describedby="np-prefix-problem"
          autoFocus
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => e.key === 'Escape' && setEditing(false)}
        />
      </label>
      <button type="submit" className="np-btn np-btn--small" disabled={!!problem || busy}>
        Save prefix
      </button>
      <button type="button" className="np-btn np-btn--ghost np-btn--small" onClick={() => setEditing(false)}>
        Cancel
      </button>
      <span
        id="np-prefix-problem"
        className="np-statusbar__prefix-problem"
        role={problem ? 'alert' : undefined}
      >
        {problem ?? (draft === '' ? 'empty: no prefix' : '')}
      </span>
    </form>
  );
}
