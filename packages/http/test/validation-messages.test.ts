import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError, type FieldIssue, newTask, taskPatch } from '@todo/domain';
import fc from 'fast-check';
import * as v from 'valibot';
import { ListQuery } from '../src/wire/list-query.js';
import { CreateTaskBody, toTaskInput, toTaskPatchInput, UpdateTaskBody } from '../src/wire/task-schemas.js';
import { validate } from '../src/wire/validate.js';

/** valibot's own wording: "Invalid type: Expected string but received 5", "Invalid key: …", "Invalid length: …". */
const LIBRARY_TEXT = /^Invalid \w+:|Expected .* but received|Received /;
const NO_OWN_MESSAGE = '\u0000no message of our own';

const SCHEMAS = { CreateTaskBody, UpdateTaskBody, ListQuery } as const;

/** What `validate` answers, or null when the input is accepted. */
function issuesOf(schema: v.GenericSchema, input: unknown): readonly FieldIssue[] | null {
  try {
    validate(schema, input);
    return null;
  } catch (error) {
    if (error instanceof AppError && error.code === 'VALIDATION') return error.details;
    throw error;
  }
}

/** Issues for which the schema has no message of its own (the fallback, or valibot's, would speak). */
function unworded(schema: v.GenericSchema, input: unknown): string[] {
  const result = v.safeParse(schema, input, { abortPipeEarly: true, message: () => NO_OWN_MESSAGE });
  return result.success ? [] : result.issues.filter((issue) => issue.message === NO_OWN_MESSAGE).map((issue) => `${issue.kind} ${issue.type} at ${issue.path?.map((p) => String(p.key)).join('.') ?? '(root)'}`);
}

const json = fc.jsonValue({ maxDepth: 2 });
const hostile = fc.oneof(
  json,
  fc.string({ unit: 'binary' }),
  fc.constantFrom(undefined, null, '', ' ', '\u0000', '\ud800', 'x'.repeat(1001), '2026-02-30', '0000-01-01', '10000-01-01', ['a', 'b'], {}, [], 0, -1, 1e300, true),
);
const bodies = fc.oneof(
  fc.record({ title: hostile, description: hostile, due_date: hostile, completed: hostile }, { requiredKeys: [] }),
  hostile,
);
const queries = fc.oneof(
  fc.record({ status: hostile, sort: hostile, order: hostile, limit: hostile, cursor: hostile }, { requiredKeys: [] }),
  fc.dictionary(fc.constantFrom('status', 'sort', 'order', 'limit', 'cursor'), fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 3 }))),
);

describe('validation messages are all ours (no library text reaches a client)', () => {
  for (const [name, schema] of Object.entries(SCHEMAS)) {
    it(`${name}: every failure path has a message of its own, and none reads like valibot`, () => {
      fc.assert(
        fc.property(name === 'ListQuery' ? queries : bodies, (input) => {
          assert.deepEqual(unworded(schema, input), [], JSON.stringify(input));
          for (const issue of issuesOf(schema, input) ?? []) {
            assert.doesNotMatch(issue.message, LIBRARY_TEXT);
            assert.ok(issue.message.length > 0);
          }
        }),
        { numRuns: 400, seed: 9 },
      );
    });
  }

  it('a missing, empty or blank title says "Title is required"', () => {
    for (const body of [{}, { title: '' }, { title: '  ' }, { description: 'only' }]) {
      assert.deepEqual(issuesOf(CreateTaskBody, body), [{ field: 'title', message: 'Title is required' }]);
    }
  });

  it('the fallback, for a schema that forgot its messages, is ours too', () => {
    const careless = v.object({ n: v.number(), s: v.pipe(v.string(), v.minLength(2)) });
    assert.deepEqual(issuesOf(careless, { s: 'x' }), [
      { field: 'n', message: 'n is required' },
      { field: 's', message: 's is invalid' },
    ]);
    assert.deepEqual(issuesOf(careless, 7), [{ field: 'body', message: 'body is invalid' }]);
  });
});

describe('the wire and the domain apply the same rules', () => {
  it('a body the wire accepts makes a NewTask / TaskPatch; a field the wire refuses, the domain refuses too', () => {
    const domainFields = (work: () => unknown) => {
      try {
        work();
        return [];
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        return error.details.map((issue) => (issue.field === 'dueDate' ? 'due_date' : issue.field)).sort();
      }
    };
    const asInput = (body: Record<string, unknown>) => ({ title: body['title'], description: body['description'], completed: body['completed'], dueDate: body['due_date'] });
    fc.assert(
      fc.property(fc.record({ title: hostile, description: hostile, due_date: hostile, completed: hostile }, { requiredKeys: [] }), (body) => {
        const created = issuesOf(CreateTaskBody, body);
        if (created === null) newTask(toTaskInput(validate(CreateTaskBody, body)));
        else assert.deepEqual(domainFields(() => newTask(asInput(body) as never)), created.map((issue) => issue.field).sort());
        const updated = issuesOf(UpdateTaskBody, body);
        const sent = Object.values(body).some((value) => value !== undefined);
        if (updated === null && sent) taskPatch(toTaskPatchInput(validate(UpdateTaskBody, body)));
        if (updated !== null) assert.deepEqual(domainFields(() => taskPatch(asInput(body) as never)), updated.map((issue) => issue.field).sort());
      }),
      { numRuns: 500, seed: 6 },
    );
  });
});
