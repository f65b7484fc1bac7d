import { describe, expect, test } from 'vitest';
import { presentPhoneNumber } from '../../../api/numbers/presenter.js';
import type { PhoneNumberRow } from '../../../db/schema.js';

const row: PhoneNumberRow = {
  id: '7b0c1f7e-8d6a-4b43-9a55-1f2b3c4d5e6f',
  organization_id: '11111111-2222-4333-8444-555555555555',
  agent_identity_id: '66666666-7777-4888-9999-aaaaaaaaaaaa',
  number: '+12025550123',
  type: 'local',
  status: 'active',
  state: 'DC',
  country: 'US',
  incoming_call_action: 'webhook',
  client_websocket_url: null,
  incoming_call_webhook_url: 'https://example.com/calls',
  workflow_id: 'provision/abc',
  provisioning_step: 'completed',
  failure_reason: 'carrier text that must not show',
  failure_type: null,
  carrier_order_id: 'order-1',
  carrier_number_id: 'number-1',
  carrier_released_at: null,
  carrier_missing_at: null,
  created_at: new Date('2026-11-27T10:15:30.123Z'),
  updated_at: new Date('2026-11-28T11:00:00.000Z'),
};

/** The fields before `status`, then those between it and `provisioning`, in api.md's order. */
const head = { id: row.id, number: '+12025550123', type: 'local' };
const middle = {
  incoming_call_action: 'webhook',
  client_websocket_url: null,
  incoming_call_webhook_url: 'https://example.com/calls',
  agent_identity_id: row.agent_identity_id,
  state: 'DC',
  country: 'US',
};

describe('phone number presenter', () => {
  test('when a number is active, then exactly the api.md fields in their order, timestamps in ISO UTC, no provisioning', () => {
    expect(JSON.stringify(presentPhoneNumber(row))).toBe(
      JSON.stringify({ ...head, status: 'active', ...middle, created_at: '2026-11-27T10:15:30.123Z', updated_at: '2026-11-28T11:00:00.000Z' }),
    );
  });

  test('when a number is provisioning or failed, then provisioning carries its step, workflow and, for a failure, the fixed sentence', () => {
    const provisioning = presentPhoneNumber({ ...row, status: 'provisioning', provisioning_step: null, created_at: '2026-11-27T10:15:30.123Z' as unknown as Date });
    const failed = presentPhoneNumber({ ...row, status: 'failed', provisioning_step: null, failure_type: 'no_numbers_available' });

    expect(JSON.stringify(provisioning)).toBe(
      JSON.stringify({
        ...head,
        status: 'provisioning',
        ...middle,
        provisioning: { step: 'reserving', workflow_id: 'provision/abc' },
        created_at: '2026-11-27T10:15:30.123Z',
        updated_at: '2026-11-28T11:00:00.000Z',
      }),
    );
    expect(failed.provisioning).toEqual({ step: 'failed', workflow_id: 'provision/abc', error: expect.any(String) });
    expect(Object.keys(failed)).toEqual([...Object.keys(head), 'status', ...Object.keys(middle), 'provisioning', 'created_at', 'updated_at']);
    expect(JSON.stringify(failed)).not.toContain('carrier text');
  });

  test('when given the view the GET routes read (timestamps as ISO text), then the same answer as from the row', () => {
    const { carrier_order_id: _order, carrier_number_id: _number, carrier_released_at: _released, carrier_missing_at: _missing, ...fields } = row;
    for (const status of ['active', 'failed'] as const) {
      const view = { ...fields, status, created_at: '2026-11-27T10:15:30.123Z', updated_at: '2026-11-28T11:00:00.000Z' };
      expect(JSON.stringify(presentPhoneNumber(view))).toBe(JSON.stringify(presentPhoneNumber({ ...row, status })));
    }
  });
});
