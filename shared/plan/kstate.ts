/**
 * KState lives with the model (shared/model/kstate.ts) so that the kind
 * descriptors (shared/kinds) can resolve to it without importing the planner.
 * Re-exported here for the planner and the kernel side.
 */
export * from '../model/kstate';
