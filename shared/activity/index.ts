/** Graded activities: locks, checks, scores and reports (pure; the kernel side is electron/kernel/live/activity-checks.ts). */
export * from './locks';
export * from './checks';
export * from './score';
export * from './submission';
export * from './report-csv';
export * from './report-html';
export * from './load';
export * from './authoring';
