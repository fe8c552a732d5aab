/**
 * Wraps the Inspector in student mode: when the selected node or link is
 * locked by the activity, every field is disabled and the reason is shown.
 * When only some of its fields are locked, they are listed (an edit of one
 * is taken back by the lock guard, with the reason).
 */
import { useShallow } from 'zustand/react/shallow';
import { lockReason } from '../../../shared/activity';
import { useEditor } from '../../store/editor';
import { useActivity } from './activity-store';
import { Padlock } from './LockMark';

export function LockedFieldset({
  nodes,
  links,
  children,
}: {
  nodes: string[];
  links: string[];
  children: React.ReactNode;
}) {
  const student = useActivity((s) => s.mode === 'student');
  const reason = useEditor((s) => {
    const locks = s.doc.activity?.locked;
    if (!locks) return null;
    for (const id of nodes) {
      const r = lockReason(locks, { nodeId: id });
      if (r && locks.nodes.includes(id)) return r;
    }
    for (const id of links) {
      const r = lockReason(locks, { linkId: id });
      if (r && locks.links.includes(id)) return r;
    }
    return null;
  });
  const fields = useEditor(
    useShallow((s) =>
      (s.doc.activity?.locked.fields ?? [])
        .filter(
          (f) =>
            (f.node !== undefined && nodes.includes(f.node)) ||
            (f.link !== undefined && links.includes(f.link)),
        )
        .map((f) => f.field),
    ),
  );
  if (!student) return <>{children}</>;
  if (!reason) {
    if (!fields.length) return <>{children}</>;
    return (
      <>
        <p className="np-locked__why" role="note">
          <Padlock /> Locked by the activity: {fields.join(', ')}. Changes to{' '}
          {fields.length === 1 ? 'it' : 'them'} are taken back.
        </p>
        {children}
      </>
    );
  }
  return (
    <fieldset className="np-locked" disabled aria-describedby="np-locked-why">
      <p id="np-locked-why" className="np-locked__why" role="note">
        <Padlock /> {reason.charAt(0).toUpperCase() + reason.slice(1)}. These fields cannot be changed.
      </p>
      {children}
    </fieldset>
  );
}
