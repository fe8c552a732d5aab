/**
 * The per-kind CSS (colour, icon mask, node box shape, minimap fill), written
 * from the kind registry instead of one hand-kept rule per kind in app.css: a
 * new kind gets its look from its descriptor. Installed once as a constructed
 * stylesheet (CSSOM, so the CSP needs no inline-style exception).
 */
import { iconSvg, NODE_KINDS_REGISTRY, nodeKindList } from '../../shared/kinds';

/** The CSS text of every kind's rules. */
export function kindCss(): string {
  const rules: string[] = [];
  for (const k of nodeKindList) {
    const { colorVar, icon, box } = NODE_KINDS_REGISTRY[k].palette;
    const color = `var(${colorVar})`;
    const shape = Object.entries(box ?? {})
      .map(([p, v]) => ` ${p}: ${v};`)
      .join('');
    rules.push(
      `.np-kind--${k} { --kind: ${color}; }`,
      `.np-node--${k} { --kind: ${color};${shape} }`,
      `.np-icon--${k} { --icon: url("data:image/svg+xml,${iconSvg(icon)}"); }`,
      `.np-mini--${k} { fill: ${color}; }`,
    );
  }
  return rules.join('\n');
}

let installed = false;

/** Adds the kinds' stylesheet to the document (once; a no-op where constructed sheets are missing, e.g. jsdom). */
export function installKindStyles(doc: Document = document): void {
  if (installed || typeof CSSStyleSheet === 'undefined' || !('adoptedStyleSheets' in doc)) return;
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(kindCss());
    doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
    installed = true;
  } catch {
    // An engine without constructable sheets: nodes keep the default look of .np-node.
  }
}
