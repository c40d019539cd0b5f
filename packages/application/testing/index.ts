export * from './fixtures.js';
export * from './in-memory-store.js';
export * from './task-repository-contract.js';
export * from './user-repository-contract.js';
export * from './property-runs.js';
