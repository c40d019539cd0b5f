export * from './jwks-server.js';
export * from './test-databases.js';
export * from './tokens.js';
export * from './token-verifier-contract.js';
