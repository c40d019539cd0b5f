import type { Clock } from '@todo/application';

export const systemClock: Clock = { now: () => new Date() };
