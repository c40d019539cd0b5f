import type { Store } from '@todo/application/testing';

export interface CountingStore {
  readonly store: Store;
  /** Every repository call so far, as `users.upsert`, `tasks.list`, … */
  readonly calls: string[];
}

/** The same store, with every call of a repository method recorded: what a request costs the database. */
export function countingStore(inner: Store): CountingStore {
  const calls: string[] = [];
  const counted = <T extends object>(name: string, repository: T): T =>
    new Proxy(repository, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls.push(`${name}.${String(property)}`);
          return Reflect.apply(value, target, args);
        };
      },
    });
  return { store: { ...inner, tasks: counted('tasks', inner.tasks), users: counted('users', inner.users) }, calls };
}
