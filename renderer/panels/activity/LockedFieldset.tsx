/**
 * Wraps the Inspector in student mode: when the selected node or link is
 * locked by the activity, every field is disabled and the reason is shown.
 */
import { lockReason } from '../../../shared/activity';
import { useEditor } from '../../app/editor';
import { useActivity } from './activity-store';
import { Padlock } from './LockMark';

export function LockedFieldset({ nodes, links, children }: { nodes: string[]; links: string[]; children: React.ReactNode }) {
  const student = useActivity((s) => s.mode === 'student');
  const reason = useEditor((s) => {
    const locks = s.doc.activity?.locked;
    if (!locks) return null;
    for (const id of nodes) { const r = lockReason(locks, { nodeId: id }); if (r) return r; }
    for (const id of links) { const r = lockReason(locks, { linkId: id }); if (r) return r; }
    return null;
  });
  if (!student || !reason) return <>{children}</>;
  return (
    <fieldset className="np-locked" disabled aria-describedby="np-locked-why">
      <p id="np-locked-why" className="np-locked__why" role="note"><Padlock /> {reason.charAt(0).toUpperCase() + reason.slice(1)}. These fields cannot be changed.</p>
      {children}
    </fieldset>
  );
}
