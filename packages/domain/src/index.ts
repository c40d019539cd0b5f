export * from './errors.js';
export * from './task.js';
export * from './task-rules.js';
export * from './task-input.js';
export * from './text.js';
export * from './task-order.js';
export * from './conditional.js';
