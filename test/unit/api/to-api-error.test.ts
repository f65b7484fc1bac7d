import { describe, expect, it } from 'vitest';
import { toApiError } from '../../../api/errors/to-api-error.js';

describe('toApiError', () => {
  it('when an update-with-start meets a workflow whose last task failed (its worker was killed), then it is 503 unavailable with Retry-After, not a 500', () => {
    // Arrange: the gRPC error the Temporal client throws in that case (chaos run, release workflow after a SIGKILL).
    const error = Object.assign(new Error('Unable to perform workflow execution update due to Workflow Task in failed state.'), {
      code: 9,
      metadata: {},
    });

    // Act
    const classified = toApiError(error);

    // Assert
    expect(classified?.type).toBe('unavailable');
    expect(classified?.status).toBe(503);
    expect(classified?.extras.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('when another FAILED_PRECONDITION arrives, then it stays unexpected', () => {
    const error = Object.assign(new Error('Workflow execution already completed'), { code: 9, metadata: {} });

    expect(toApiError(error)).toBeUndefined();
  });
});
