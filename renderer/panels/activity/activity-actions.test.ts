import { beforeEach, describe, expect, it } from 'vitest';
import { editorStore } from '../../store/editor';
import { useUi } from '../../store/ui-store';
import { emptyDocument } from '../../store/store';
import { fileStem, newActivity, openKeyText } from './activity-actions';
import { useActivity } from './activity-store';

const lastToast = () => useUi.getState().toast;

beforeEach(() => {
  editorStore.getState().loadTopology(emptyDocument('act'));
  useActivity.getState().set({ mode: 'off', key: null, start: null, result: null });
  useUi.getState().set({ toast: null });
});

describe('authoring actions', () => {
  it('"New activity from this lab" needs a drawing, then adds a step and an empty activity (one undo step)', () => {
    newActivity();
    expect(lastToast()).toMatchObject({
      kind: 'error',
      text: expect.stringMatching(/Draw the starting lab first/),
    });
    editorStore.getState().addNode('namespace', { x: 0, y: 0 });
    const undoBefore = editorStore.temporal.getState().pastStates.length;
    newActivity();
    const doc = editorStore.getState().doc;
    expect(doc.activity).toMatchObject({ version: 1, checks: [] });
    expect(doc.lesson?.steps).toHaveLength(1);
    expect(useActivity.getState()).toMatchObject({ mode: 'author', key: { activity: 'act', checks: [] } });
    expect(editorStore.temporal.getState().pastStates.length).toBe(undoBefore + 1);
  });

  it('opens an answer key for this activity only, and refuses ids the activity uses already', () => {
    editorStore.getState().addNode('namespace', { x: 0, y: 0 });
    newActivity();
    const doc = editorStore.getState().doc;
    editorStore.getState().updateLab({
      activity: {
        ...doc.activity!,
        checks: [{ id: 'r1', kind: 'reach', from: 'ns1', to: '10.0.0.2', points: 1, breakIt: false }],
      },
    });
    expect(openKeyText('version: 1\nactivity: other\nchecks: []\n', 'other.key.yaml')).toBe(false);
    expect(lastToast()?.text).toMatch(/answer key of activity "other", but this activity is "act"/);
    expect(
      openKeyText(
        'version: 1\nactivity: act\nchecks:\n  - { id: r1, kind: reach, from: ns1, to: ns2 }\n',
        'act.key.yaml',
      ),
    ).toBe(false);
    expect(lastToast()?.text).toMatch(/check "r1", which the activity has too/);
    expect(
      openKeyText('version: 1\nactivity: act\nchecks: [ { id: x, kind: bogus } ]\n', 'act.key.yaml'),
    ).toBe(false);
    expect(lastToast()?.text).toMatch(/^Could not read act.key.yaml/);
    expect(
      openKeyText(
        'version: 1\nactivity: act\nchecks:\n  - { id: h1, kind: reach, from: ns1, to: ns2 }\n',
        'act.key.yaml',
      ),
    ).toBe(true);
    expect(useActivity.getState().key?.checks.map((c) => c.id)).toEqual(['h1']);
  });

  it('makes safe file-name stems from names people type', () => {
    expect(fileStem('Ada Lovelace')).toBe('ada-lovelace');
    expect(fileStem('../../etc/passwd')).toBe('etc-passwd');
    expect(fileStem('  ')).toBe('student');
    expect(fileStem("Zoë O'Brien")).toBe('zo-o-brien');
  });
});
