import express, { Router } from 'express';
import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import type { TelnyxEvent, WebhookVerifier } from '../../carrier/webhook-verifier.js';
import { orderCompletedSignal } from '../../domain/workflow-contract.js';
import { callEventTypes, handleCallEvent, type CallEventDeps } from './call-events.js';
import { ApiError } from '../errors/api-error.js';
import { logWorkflow } from '../middleware/request-logging.js';

const orderCompletedEvent = z.object({
  event_type: z.literal('number_order.complete'),
  payload: z.object({
    id: z.string().min(1),
    status: z.enum(['pending', 'success', 'failure']),
    customer_reference: z.string().min(1).nullish(),
  }),
});

const flatHeaders = (headers: NodeJS.Dict<string | string[]>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers)
      .filter((entry): entry is [string, string | string[]] => entry[1] !== undefined)
      .map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]),
  );

const isCallEvent = (eventType: string) => (callEventTypes as readonly string[]).includes(eventType);

/**
 * POST /webhooks/telnyx: signature first, nothing done without it. `number_order.complete` is relayed
 * as the `orderCompleted` signal to the workflow named by the order's `customer_reference`; Call
 * Control events start or signal the call's workflow (`call-events.ts`); other events, events whose
 * payload does not parse, and orders or calls whose workflow is gone, are acknowledged and ignored.
 */
export function telnyxWebhookRoute({ temporal, webhookVerifier, config }: CallEventDeps & { webhookVerifier: WebhookVerifier }): Router {
  const router = Router();
  router.post('/', express.raw({ type: () => true, limit: '64kb' }), async (req, res) => {
    const rawBody = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    let event: TelnyxEvent;
    try {
      event = await webhookVerifier(rawBody, flatHeaders(req.headers));
    } catch {
      throw new ApiError('unauthorized', 'Webhook signature verification failed');
    }
    if (isCallEvent(event.data.event_type)) {
      const result = await handleCallEvent(event, { temporal, config }, req.log);
      if ('workflowId' in result) logWorkflow(res, result.workflowId);
      res.status(200).json({ received: true });
      return;
    }
    const parsed = orderCompletedEvent.safeParse(event.data);
    if (parsed.success && parsed.data.payload.customer_reference) {
      const { id, status, customer_reference: workflowId } = parsed.data.payload;
      logWorkflow(res, workflowId);
      try {
        await temporal.workflow.getHandle(workflowId).signal(orderCompletedSignal, { orderId: id, status });
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
    }
    res.status(200).json({ received: true });
  });
  return router;
}
