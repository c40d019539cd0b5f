import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { startTestApp, storeKinds, type TestApp } from '../testing/index.js';

/** A logical request: sent once or more (retries), always under its own key. */
type Logical = { kind: 'create'; title: string } | { kind: 'toggle'; target: number };
type TaskJson = { id: number; title: string; completed: boolean };

const INITIAL_TASKS = 3;
const logical = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), title: fc.string({ minLength: 1, maxLength: 12 }).filter((t) => t.trim().length > 0 && !t.includes('\u0000')) }),
  fc.record({ kind: fc.constant('toggle' as const), target: fc.nat({ max: INITIAL_TASKS - 1 }) }),
);
/** The requests, how many times each is sent, the order of all those sends, and how many go out at once. */
const scenario = fc.array(fc.tuple(logical, fc.integer({ min: 1, max: 3 })), { minLength: 1, maxLength: 8 }).chain((requests) => {
  const sends = requests.flatMap(([, times], index) => Array.from({ length: times }, () => index));
  return fc.tuple(fc.constant(requests.map(([request]) => request)), fc.shuffledSubarray(sends, { minLength: sends.length }), fc.integer({ min: 1, max: 4 }));
});

/** Fewer runs on a database: each costs some fifty requests. */
const RUNS = { 'in-memory': 30 } as Record<string, number>;

for (const kind of storeKinds) {
  describe(`retried keyed requests on ${kind.name}`, { skip: kind.skip }, () => {
    let api: TestApp;
    let stop: () => Promise<void>;
    before(async () => {
      const opened = await kind.open();
      stop = opened.stop;
      api = await startTestApp({ store: opened.store });
    });
    after(async () => {
      await api?.close();
      await stop?.();
    });

    it('leave the same state as running each logical request once, whatever the interleaving', async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(scenario, async ([requests, sends, concurrency]) => {
          const as = `prop-${run++}`;
          const initial: TaskJson[] = [];
          for (let i = 0; i < INITIAL_TASKS; i++) {
            const response = await api.request('/api/tasks', { method: 'POST', as, json: { title: `initial ${i}` } });
            initial.push(((await response.json()) as { data: TaskJson }).data);
          }
          const send = async (index: number) => {
            const request = requests[index]!;
            const headers = { 'Idempotency-Key': `${as}-request-${index}` };
            const response = request.kind === 'create'
              ? await api.request('/api/tasks', { method: 'POST', as, json: { title: request.title }, headers })
              : await api.request(`/api/tasks/${initial[request.target]!.id}/complete`, { method: 'PATCH', as, headers });
            await response.arrayBuffer();
            assert.ok([200, 201, 409].includes(response.status), `${request.kind}: ${response.status}`);
          };
          for (let i = 0; i < sends.length; i += concurrency) await Promise.all(sends.slice(i, i + concurrency).map(send));

          const { data } = (await (await api.request('/api/tasks?sort=title', { as })).json()) as { data: TaskJson[] };
          const created = requests.flatMap((r) => (r.kind === 'create' ? [r.title.trim()] : []));
          assert.deepEqual(data.filter((t) => !initial.some((i) => i.id === t.id)).map((t) => t.title).sort(), created.sort());
          for (const [index, task] of initial.entries()) {
            const toggles = requests.filter((r) => r.kind === 'toggle' && r.target === index).length;
            assert.equal(data.find((t) => t.id === task.id)?.completed, toggles % 2 === 1, `initial ${index} toggled ${toggles} times`);
          }
        }),
        { numRuns: RUNS[kind.name] ?? 10 },
      );
    });
  });
}
