/** Planning: desired + live -> ordered changes; drift; command formatting. */
export * from './kstate';
export * from './change';
export * from './resolve';
export * from './plan';
export * from './drift';
export * from './argv';
export { PHASES } from './builder';
export { netemEqual } from './plan-netem';
export { addressPlaces, type PreviousAddresses } from './plan-neigh';
export * from './op';
export * from './render-argv';
export { routeMatches } from './plan-iface';
export * from './expect';
export * from './recover';
export { simulate, trySimulate, SimError, type SimOutcome } from './simulate';
