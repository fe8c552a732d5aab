/**
 * CORE's legacy scenario format: the IMUNES Tcl text of `.imn` files
 * (`node n1 { … }`, `link l1 { … }`), which core-gui wrote before CORE saved
 * XML and which course material still carries. netplumb reads CORE's XML
 * only; such a file gets one message saying how to turn it into XML, instead
 * of the XML or YAML parser's complaints about a text it was never meant to
 * read.
 */
import type { Problem } from '../validate/problem';

/** The block openings of an IMUNES file: `node n1 {`, `link l0 {`, `canvas c1 {`, `option global {`. */
const BLOCK =
  /^(node|link|canvas|annotation|option|hook|traffic|plot|interface|ipsec-config|comments)\s+[^\s{}]+\s*\{\s*$/;

/** True when `text` is an IMUNES/Tcl scenario: its first line that is not blank or a `#` comment opens such a block. */
export function isImunesText(text: string): boolean {
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/, 50)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    return BLOCK.test(line) || /^comments\s*\{/.test(line);
  }
  return false;
}

/** True for a file name of the legacy format. */
export const isImnFileName = (fileName: string | undefined): boolean => /\.imn$/i.test(fileName ?? '');

/** The one problem an IMUNES file gets: what it is and how to make the XML netplumb reads. */
export function imunesProblem(): Problem {
  return {
    code: 'core-legacy',
    severity: 'error',
    // CORE's CHANGELOG: 6.1.0 added core-imn-to-xml (gone again before 8.0); 8.x ships the Tcl GUI as
    // core-gui-legacy (gui/core-gui-legacy.in), core-gui being the Python one; 9.0.0 "removed tcl/legacy
    // gui, imn file support".
    message:
      "this is CORE's legacy IMUNES/Tcl format (.imn), which netplumb does not read (nor does CORE since 9.0). netplumb reads CORE's XML: open the file in CORE's Tcl GUI (core-gui-legacy in CORE 8; core-gui in CORE 7 and earlier), save it as .xml (File > Save As), and import that file; CORE 6.1 to 7.5 also convert it with core-imn-to-xml -f FILE.imn",
    path: [],
    line: 1,
    column: 1,
  };
}
