import { AppError, type FieldIssue } from '@todo/domain';
import * as v from 'valibot';

/** Runs a schema; any issue becomes one AppError('VALIDATION') listing every field at fault. */
export function validate<S extends v.GenericSchema>(schema: S, input: unknown, fieldPrefix = ''): v.InferOutput<S> {
  const result = v.safeParse(schema, input, { abortPipeEarly: true });
  if (result.success) return result.output;
  const details: FieldIssue[] = result.issues.map((issue) => ({
    field: fieldPrefix + (issue.path?.map((item) => String(item.key)).join('.') ?? ''),
    message: issue.message,
  }));
  throw new AppError('VALIDATION', 'Validation failed', { details });
}

/** The problem-returning rules of the domain, as a valibot action. */
export function rule<T>(problem: (value: T) => string | null) {
  return v.rawCheck<T>(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const message = problem(dataset.value);
    if (message !== null) addIssue({ message });
  });
}
