/**
 * The worksheet an activity prints as (the browser's print, or print to
 * PDF): the instructions, the visible checks with points (hidden checks live
 * in the answer key and never appear) and the diagram. It is rendered
 * outside the app's root and shown only by the print stylesheet.
 */
import { useMemo } from 'react';
import { createPortal } from 'react-dom';
import { describeCheck } from '../../../shared/activity';
import { toSvg } from '../../../shared/formats/svg';
import { useEditor } from '../../store/editor';
import { MarkdownView } from '../lesson/MarkdownView';
import { useActivity } from './activity-store';

/** "Print worksheet": the browser's print dialog (the print stylesheet shows the worksheet only). */
export function printWorksheet(): void {
  window.print();
}

export function Worksheet() {
  const mode = useActivity((s) => s.mode);
  const doc = useEditor((s) => s.doc);
  const svg = useMemo(() => {
    if (mode === 'off') return '';
    try {
      // toSvg escapes every text of the document; the XML prolog is dropped for inline use.
      return toSvg(doc).replace(/^<\?xml[^>]*\?>\s*/, '');
    } catch {
      return '';
    }
  }, [doc, mode]);
  if (mode === 'off' || !doc.activity) return null;
  const checks = doc.activity.checks;
  const total = checks.filter((c) => !c.breakIt).reduce((n, c) => n + c.points, 0);
  return createPortal(
    <article className="np-worksheet" aria-label="Worksheet">
      <h1>{doc.lesson?.title ?? doc.name}</h1>
      <p className="np-worksheet__meta">
        Name: ______________________ &nbsp; Date: ____________ &nbsp; Score: ____ / {total}
      </p>
      {(doc.lesson?.steps ?? []).map((s, i) => (
        <section key={i}>
          <h2>
            {i + 1}. {s.title}
          </h2>
          <MarkdownView text={s.text} />
        </section>
      ))}
      <h2>The starting lab</h2>
      {svg ? (
        <div className="np-worksheet__diagram" dangerouslySetInnerHTML={{ __html: svg }} />
      ) : (
        <p>(the diagram could not be drawn)</p>
      )}
      {doc.activity.locked.nodes.length > 0 && (
        <p>Given and locked: {doc.activity.locked.nodes.join(', ')}.</p>
      )}
      <h2>What is checked</h2>
      <ol aria-label="Worksheet checks">
        {checks.map((c) => (
          <li key={c.id}>
            ☐ {c.title ?? describeCheck(c, doc)}{' '}
            <em>({c.breakIt ? 'practice, not counted' : `${c.points} pt${c.points === 1 ? '' : 's'}`})</em>
          </li>
        ))}
      </ol>
    </article>,
    document.body,
  );
}
