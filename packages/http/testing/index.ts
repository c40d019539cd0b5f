export * from './test-app.js';
export * from './openapi.js';
