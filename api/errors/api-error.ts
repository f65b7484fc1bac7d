import { errorTable, type ErrorCode } from './error-table.js';

/** One entry of a 422 `detail` list. */
export interface ValidationIssue {
  loc: (string | number)[];
  msg: string;
  type: string;
}

export interface ApiErrorExtras {
  workflowId?: string | undefined;
  retryAfterSeconds?: number | undefined;
}

/** An error with a stable `type` (the response's `error` code); the table gives its status. */
export class ApiError extends Error {
  constructor(
    readonly type: ErrorCode,
    readonly detail: string = errorTable[type].detail,
    readonly extras: ApiErrorExtras = {},
  ) {
    super(detail);
    this.name = 'ApiError';
  }

  get status(): number {
    return errorTable[this.type].status;
  }
}

/** 422: field-level validation failed; `detail` is the list of issues. */
export class ValidationError extends ApiError {
  constructor(readonly issues: ValidationIssue[]) {
    super('validation_error');
    this.name = 'ValidationError';
  }
}

export const notFound = (detail = 'Not found') => new ApiError('not_found', detail);
export const phoneNumberNotFound = () => notFound('Phone number not found');
export const numberForbidden = () => new ApiError('forbidden');
