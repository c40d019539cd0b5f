import { inMemoryStore, taskRepositoryContract, userRepositoryContract } from '../testing/index.js';

taskRepositoryContract('in-memory', async () => inMemoryStore());
userRepositoryContract('in-memory', async () => inMemoryStore());
