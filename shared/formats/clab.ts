/**
 * containerlab (`*.clab.yml`) both ways: `fromClab` reads a containerlab
 * topology into a netplumb topology, `toClab` writes one.
 */
export { fromClab, CLAB_LABEL } from './clab-import';
export { toClab, DEFAULT_CLAB_IMAGE, type ClabExportOptions, type ExportResult } from './clab-export';
