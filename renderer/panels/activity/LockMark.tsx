/** The padlock on a locked canvas node (student and author modes), with the reason as its tooltip. */
import { lockReason } from '../../../shared/activity';
import { useEditor } from '../../app/editor';
import { useActivity } from './activity-store';

export function LockMark({ id }: { id: string }) {
  const on = useActivity((s) => s.mode !== 'off');
  const reason = useEditor((s) => (s.doc.activity ? lockReason(s.doc.activity.locked, { nodeId: id }) : null));
  if (!on || !reason) return null;
  return (
    <span className="np-lock" role="img" aria-label={`Locked: ${reason}`} title={`${reason} (you may still move it)`} data-testid={`lock-${id}`}>
      🔒
    </span>
  );
}
