export * from './service-process.js';
export * from './test-app.js';
