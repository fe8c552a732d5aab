/** A modal dialog on the native <dialog> element (focus trap, Escape closes). */
import { useEffect, useId, useRef } from 'react';

/** A modal dialog titled `title`; closing (Escape, the Close button) calls onClose. */
export function Dialog({
  title,
  onClose,
  children,
  actions,
  wide,
}: {
  title: string;
  onClose: () => void;
  children: React.ReactNode;
  actions?: React.ReactNode;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className={`np-dialog${wide ? ' np-dialog--wide' : ''}`}
      aria-labelledby={id}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <header className="np-dialog__head">
        <h2 id={id}>{title}</h2>
        {/* "Close dialog": most dialogs also have a Close button in their footer; two buttons of one name cannot be told apart. */}
        <button type="button" className="np-btn np-btn--ghost" onClick={onClose} aria-label="Close dialog">
          ✕
        </button>
      </header>
      <div className="np-dialog__body">{children}</div>
      {actions && <footer className="np-dialog__actions">{actions}</footer>}
    </dialog>
  );
}
