/**
 * fast-check arbitraries of topologies, for property tests: valid labs
 * (arbitraries-valid.ts) and random, broken documents for fuzzing
 * (arbitraries-mutate.ts). Import from here; the two files import only
 * downwards (mutate builds on valid), so they form no cycle.
 */
export * from './arbitraries-valid';
export { arbMutatedDocument } from './arbitraries-mutate';
