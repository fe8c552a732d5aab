/**
 * The lab name `netplumb import-host` writes when none is given: a leaf
 * module, so the command's help can name it without loading the reader.
 */
export const DEFAULT_IMPORT_LAB = 'imported';
