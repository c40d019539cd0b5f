import { inMemoryStore, type Store } from '@todo/application/testing';
import { databaseKinds, openPostgresTestStore } from '@todo/infrastructure/testing';

export interface StoreKind {
  readonly name: string;
  /** Why this kind does not run here, or false. */
  readonly skip: string | false;
  open(): Promise<{ store: Store; stop(): Promise<void> }>;
}

/** Every adapter a suite should run on: in memory, then postgres.js on each database kind. */
export const storeKinds: readonly StoreKind[] = [
  { name: 'in-memory', skip: false, open: async () => ({ store: inMemoryStore(), stop: async () => {} }) },
  ...databaseKinds.map((kind) => ({
    name: `postgres.js → ${kind.name}`,
    skip: kind.skip,
    async open() {
      const db = await openPostgresTestStore(kind);
      return { store: db.store, stop: () => db.stop() };
    },
  })),
];
