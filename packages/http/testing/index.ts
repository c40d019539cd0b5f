export * from './counting-store.js';
export * from './service-process.js';
export * from './test-app.js';
export * from './openapi.js';
export * from './store-kinds.js';
export * from './raw-http.js';
export * from './api-model.js';
