export * from './counting-store.js';
export * from './test-app.js';
