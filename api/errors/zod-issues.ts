import type { z } from 'zod';
import { ValidationError, type ValidationIssue } from './api-error.js';

type Location = 'body' | 'query' | 'path' | 'header';

function issueType(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'missing' : `${issue.expected}_type`;
    case 'invalid_value':
      return 'enum';
    case 'invalid_format':
      return issue.format === 'url' ? 'url_parsing' : `${issue.format}_format`;
    case 'too_small':
      return `${issue.origin}_too_short`;
    case 'too_big':
      return `${issue.origin}_too_long`;
    case 'unrecognized_keys':
      return 'extra_forbidden';
    default:
      return 'value_error';
  }
}

/** zod issues as the FastAPI-style list Inkbox clients read: one `{loc, msg, type}` per problem. */
export function toValidationIssues(location: Location, issues: readonly z.core.$ZodIssue[]): ValidationIssue[] {
  return issues.flatMap((issue) => {
    const loc = [location, ...issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part))];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ loc: [...loc, key], msg: 'Extra inputs are not permitted', type: 'extra_forbidden' }));
    }
    if (issue.code === 'invalid_type' && issue.input === undefined) {
      return [{ loc, msg: 'Field required', type: 'missing' }];
    }
    return [{ loc, msg: issue.message, type: issueType(issue) }];
  });
}

/** Parses with the schema or throws a 422 ValidationError naming every bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, location: Location = 'body'): z.output<S> {
  const result = schema.safeParse(value, { reportInput: true });
  if (!result.success) throw new ValidationError(toValidationIssues(location, result.error.issues));
  return result.data;
}
