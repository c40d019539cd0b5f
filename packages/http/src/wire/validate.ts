import { AppError, type FieldIssue } from '@todo/domain';
import * as v from 'valibot';

/**
 * Runs a schema; any issue becomes one AppError('VALIDATION') listing every field at fault.
 * Every schema words its own messages; should one be forgotten, the fallback below is still
 * ours, so valibot's own text ("Invalid type: Expected …") never reaches a client.
 */
export function validate<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, input, { abortPipeEarly: true, message: UNWORDED });
  if (result.success) return result.output;
  const details: FieldIssue[] = result.issues.map((issue) => ({
    field: fieldOf(issue),
    message: issue.message === UNWORDED ? fallbackMessage(issue) : issue.message,
  }));
  throw new AppError('VALIDATION', 'Validation failed', { details });
}

/** The field's path; `body` for the input as a whole. */
function fieldOf(issue: v.BaseIssue<unknown>): string {
  return issue.path?.map((item) => String(item.key)).join('.') ?? 'body';
}

/** Marks an issue the schema gave no message; worded once its path is complete. */
const UNWORDED = '\u0000unworded';

function fallbackMessage(issue: v.BaseIssue<unknown>): string {
  const field = fieldOf(issue);
  return issue.input === undefined ? `${field} is required` : `${field} is invalid`;
}

/** The problem-returning rules of the domain, as a valibot action. */
export function rule<T>(problem: (value: T) => string | null) {
  return v.rawCheck<T>(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const message = problem(dataset.value);
    if (message !== null) addIssue({ message });
  });
}
