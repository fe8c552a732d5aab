/** The topology model: zod schemas, types, defaults and migrations. */
export * from './common';
export * from './lab-name';
export * from './node';
export * from './link';
export * from './topology';
export * from './activity';
export * from './prefix';
export * from './migrate';
export * from './parse';
