/**
 * What the panels add to the canvas (live lab marks and menu items, activity
 * padlocks), passed to `<Canvas extensions>` by the app shell: the canvas
 * itself imports no panel.
 */
import { memo } from 'react';
import type { CanvasExtensions } from '../canvas/extensions';
import { LinkLockMark, LockMark } from '../panels/activity/LockMark';
import { LiveEdgeMarks, LiveNodeMarks } from '../panels/live/LiveMarks';
import { linkLiveItems, nodeLiveItems } from '../panels/live/menu-items';

const NodeMarks = memo(function NodeMarks({ id }: { id: string }) {
  return (
    <>
      <LiveNodeMarks id={id} />
      <LockMark id={id} />
    </>
  );
});

/** The app's canvas extensions (module scope: one object, so nodes never re-render for it). */
export const canvasExtensions: CanvasExtensions = {
  NodeMarks,
  EdgeOverlay: LiveEdgeMarks,
  EdgeBadge: LinkLockMark,
  nodeMenuItems: nodeLiveItems,
  linkMenuItems: linkLiveItems,
};
