/**
 * What the activity buttons do: "Check my work" (activity:check on the running
 * lab: applies nothing), "Hand in" (the report as JSON and HTML, and the
 * student's topology file), saving an activity with its answer key, opening a
 * shipped activity, and "New activity from this lab".
 */
import { stringify } from 'yaml';
import {
  handInReport,
  loadActivityKeyText,
  newActivityFromLab,
  reportHtml,
  type CheckRow,
} from '../../../shared/activity';
import type { Topology } from '../../../shared/model';
import { getApi } from '../../api';
import { editorStore } from '../../store/editor';
import { confirmDiscard, openText } from '../../store/file-actions';
import { toast, useUi } from '../../store/ui-store';
import { startAuthor, useActivity } from './activity-store';

const isDesktop = () =>
  useUi.getState().info?.mode === 'electron' || (typeof window !== 'undefined' && !!window.netplumb);

/** Writes one file: a download in the browser, the save dialog in the desktop app. False when cancelled or failed. */
async function writeOut(text: string, name: string, mime: string): Promise<boolean> {
  if (isDesktop()) {
    const r = await getApi()['file:save']({ text, suggestedName: name, mode: 'export' });
    if (!r.ok) {
      toast(r.error, 'error');
      return false;
    }
    return !r.value.cancelled;
  }
  const url = URL.createObjectURL(new Blob([text], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return true;
}

/** A safe file-name stem from a name typed by a person. */
export const fileStem = (s: string): string =>
  s
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '') || 'student';

/** "Check my work": runs the visible checks on the applied lab and keeps the score. */
export async function checkMyWork(): Promise<void> {
  const a = useActivity.getState();
  if (a.checking) return;
  a.set({ checking: true, error: undefined });
  const r = await getApi()['activity:check']({ topology: editorStore.getState().doc });
  if (!r.ok) {
    useActivity.getState().set({ checking: false, error: `Could not check: ${r.error}` });
    return;
  }
  // The contract carries the kind as a string; the rows came from the kernel side's own CheckRow.
  const checks = r.value.checks.map((c) => ({ ...c, kind: c.kind as CheckRow['kind'] }));
  useActivity
    .getState()
    .set({ checking: false, result: { ...r.value, checks, at: new Date().toISOString() } });
}

/** "Hand in": the report (JSON and HTML, from the last check) and the student's topology file. */
export async function handIn(): Promise<void> {
  const a = useActivity.getState();
  const st = editorStore.getState();
  if (!a.result || a.result.stale)
    return toast(
      'Press "Check my work" first: the report carries the score of the drawing as it is now',
      'error',
    );
  if (!a.student.trim()) return toast('Type your name first: it goes on the report', 'error');
  const stem = `${fileStem(st.doc.name)}-${fileStem(a.student)}`;
  const report = handInReport({
    student: a.student.trim(),
    file: `${stem}.yaml`,
    topology: st.doc,
    lab: a.result.lab,
    checks: a.result.checks,
    score: a.result.score,
    max: a.result.max,
    startedAt: a.startedAt,
  });
  const ok =
    (await writeOut(`${JSON.stringify(report, null, 2)}\n`, `${stem}.report.json`, 'application/json')) &&
    (await writeOut(reportHtml(report), `${stem}.report.html`, 'text/html')) &&
    (await writeOut(st.toDocument(), `${stem}.yaml`, 'application/yaml'));
  if (ok)
    toast(
      `Handed in: ${stem}.report.json, ${stem}.report.html and ${stem}.yaml (${report.score}/${report.max})`,
    );
}

/** Saves the activity file and its answer key (two files). */
export async function saveActivity(): Promise<void> {
  const st = editorStore.getState();
  const key = useActivity.getState().key;
  if (!st.doc.activity || !key)
    return toast('This drawing is not an activity yet: choose "New activity from this lab" first', 'error');
  const stem = fileStem(st.doc.name);
  const text = st.toDocument();
  const keyText = stringify({ ...key, activity: st.doc.name });
  if (!(await writeOut(text, `${stem}.yaml`, 'application/yaml'))) return;
  st.markSaved(`${stem}.yaml`, text);
  if (!(await writeOut(keyText, `${stem}.key.yaml`, 'application/yaml'))) return;
  toast(`Saved ${stem}.yaml (give it to students) and ${stem}.key.yaml (the answer key: keep it)`);
}

/** "New activity from this lab": adds the activity block (and a first step) and enters author mode. */
export function newActivity(): void {
  const st = editorStore.getState();
  if (!st.doc.nodes.length) return toast('Draw the starting lab first: the activity starts from it', 'error');
  const doc: Topology = newActivityFromLab(st.doc);
  st.updateLab({ lesson: doc.lesson, activity: doc.activity });
  startAuthor(editorStore.getState().doc);
}

/** Opens a shipped activity (students' file only) in student mode. */
export function openActivity(id: string): void {
  confirmDiscard(async () => {
    const r = await getApi()['activities:get']({ id });
    if (!r.ok) return toast(`Could not open the activity: ${r.error}`, 'error');
    openText(r.value.text, r.value.fileName);
  });
}

/** Loads an answer key (ACTIVITY.key.yaml) for the activity being written; refuses a key of another activity. */
export function openKeyText(text: string, fileName: string): boolean {
  const doc = editorStore.getState().doc;
  const r = loadActivityKeyText(text, fileName);
  if (!r.key) {
    const p = r.problems[0];
    toast(
      `Could not read ${fileName}: ${p?.message ?? 'unreadable'}${p?.line ? ` (line ${p.line})` : ''}`,
      'error',
    );
    return false;
  }
  if (r.key.activity !== doc.name) {
    toast(
      `${fileName} is the answer key of activity "${r.key.activity}", but this activity is "${doc.name}"`,
      'error',
    );
    return false;
  }
  const visible = new Set((doc.activity?.checks ?? []).map((c) => c.id));
  const clash = r.key.checks.find((c) => visible.has(c.id));
  if (clash) {
    toast(
      `${fileName} has check "${clash.id}", which the activity has too: check ids must be unique`,
      'error',
    );
    return false;
  }
  useActivity.getState().set({ key: r.key });
  toast(`Answer key ${fileName}: ${r.key.checks.length} hidden check${r.key.checks.length === 1 ? '' : 's'}`);
  return true;
}
