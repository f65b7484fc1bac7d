import { ApplicationFailure } from '@temporalio/activity';

/** SQLSTATE class 23: the database refused the write for good (a constraint), retrying cannot help. */
function isIntegrityViolation(error: unknown): error is Error & { code: string; constraint?: string } {
  const code: unknown = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && code.startsWith('23');
}

/** Runs a write; a constraint violation becomes non-retryable (the workflow compensates), anything else is retried. */
export async function nonRetryableOnConstraint<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isIntegrityViolation(error)) throw error;
    throw ApplicationFailure.nonRetryable(`The database refused the write (${error.constraint ?? error.code})`, 'database_constraint_violation');
  }
}
