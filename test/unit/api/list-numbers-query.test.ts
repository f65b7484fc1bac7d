import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../../api/openapi.js';
import { listNumbersQuerySchema } from '../../../api/numbers/schemas.js';
import { liveStatuses, phoneNumberStatuses } from '../../../domain/phone-number.js';

describe('listNumbersQuerySchema', () => {
  it('when no status is given, then the filter is the live statuses', () => {
    expect(listNumbersQuerySchema.parse({}).status).toEqual(liveStatuses);
    expect(listNumbersQuerySchema.parse({ status: ' , ' }).status).toEqual(liveStatuses);
  });

  it('when statuses are comma-separated or repeated, then each one is kept', () => {
    expect(listNumbersQuerySchema.parse({ status: 'active, released' }).status).toEqual(['active', 'released']);
    expect(listNumbersQuerySchema.parse({ status: ['failed', 'paused,active'] }).status).toEqual(['failed', 'paused', 'active']);
  });

  it('when a status is unknown, then the issue is on status and names it', () => {
    const result = listNumbersQuerySchema.safeParse({ status: 'active,gone' });

    expect(result.success).toBe(false);
    expect(result.error?.issues).toMatchObject([{ path: ['status'], code: 'invalid_value', message: expect.stringContaining('"gone"') }]);
  });

  it('when the OpenAPI document is built, then the list route documents the status filter the parser reads', () => {
    const document = buildOpenApiDocument();

    for (const path of ['/api/v1/phone/numbers', '/numbers']) {
      const parameters = document.paths?.[path]?.get?.parameters as { name: string; in: string; description?: string; schema?: unknown }[];
      const status = parameters.find((parameter) => parameter.in === 'query' && parameter.name === 'status');
      expect(status?.schema).toMatchObject({ anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] });
      for (const value of phoneNumberStatuses) expect(status?.description).toContain(value);
      expect(status?.description).toContain(`default: ${liveStatuses.join(', ')}`);
    }
  });
});
