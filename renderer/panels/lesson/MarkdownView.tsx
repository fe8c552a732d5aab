/** Lesson Markdown as React elements (text nodes only: no HTML from the lesson is ever interpreted). */
import { Fragment, useMemo } from 'react';
import { parseMarkdown, type Inline } from './markdown';

function Inl({ runs }: { runs: Inline[] }) {
  return (
    <>
      {runs.map((r, i) =>
        r.t === 'code' ? (
          <code key={i}>{r.s}</code>
        ) : r.t === 'strong' ? (
          <strong key={i}>{r.s}</strong>
        ) : r.t === 'em' ? (
          <em key={i}>{r.s}</em>
        ) : (
          <Fragment key={i}>{r.s}</Fragment>
        ),
      )}
    </>
  );
}

/** Renders lesson text. */
export function MarkdownView({ text }: { text: string }) {
  const blocks = useMemo(() => parseMarkdown(text), [text]);
  return (
    <div className="np-md">
      {blocks.map((b, i) => {
        switch (b.t) {
          case 'h': {
            const H = (['h3', 'h4', 'h5', 'h6'] as const)[b.level - 1];
            return (
              <H key={i}>
                <Inl runs={b.inl} />
              </H>
            );
          }
          case 'p':
            return (
              <p key={i}>
                <Inl runs={b.inl} />
              </p>
            );
          case 'ul':
            return (
              <ul key={i}>
                {b.items.map((it, k) => (
                  <li key={k}>
                    <Inl runs={it} />
                  </li>
                ))}
              </ul>
            );
          case 'ol':
            return (
              <ol key={i} start={b.start}>
                {b.items.map((it, k) => (
                  <li key={k}>
                    <Inl runs={it} />
                  </li>
                ))}
              </ol>
            );
          case 'code':
            return (
              <pre key={i}>
                <code>{b.text}</code>
              </pre>
            );
        }
      })}
    </div>
  );
}
