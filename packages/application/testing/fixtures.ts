import { type NewTask, newTask, type Task, type TaskInput } from '@todo/domain';
import type { Clock } from '../src/ports.js';

export const T0 = new Date('2026-01-01T10:00:00.000Z');
export const T1 = new Date('2026-01-01T11:00:00.000Z');
export const T2 = new Date('2026-01-01T12:00:00.000Z');

export function draft(title: string, fields: Partial<TaskInput> = {}): NewTask {
  return newTask({ title, ...fields });
}

/** A clock that only moves when told to. */
export function manualClock(start: Date = T0): Clock & { advance(ms: number): void } {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
  };
}

/** Comparable plain form of a task, for deepEqual across adapters. */
export function plain(task: Task | null): unknown {
  if (task === null) return null;
  return { ...task, dueDate: task.dueDate?.toISOString() ?? null, createdAt: task.createdAt.toISOString(), updatedAt: task.updatedAt.toISOString() };
}
