import { after } from 'node:test';
import { taskRepositoryContract, userRepositoryContract } from '@todo/application/testing';
import { databaseKinds, openPostgresTestStore, type PostgresTestStore } from '../testing/index.js';

for (const kind of databaseKinds) {
  let opened: Promise<PostgresTestStore> | undefined;
  const open = async () => {
    opened ??= openPostgresTestStore(kind);
    return (await opened).reset();
  };
  taskRepositoryContract(`postgres.js → ${kind.name}`, open, { skip: kind.skip });
  userRepositoryContract(`postgres.js → ${kind.name}`, open, { skip: kind.skip });
  after(async () => (await opened)?.stop());
}
