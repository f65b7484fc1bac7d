import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';

/** Reading when things happened from workflow histories (the server's clock, the same machine's as the bench's). */
export const { EventType } = proto.temporal.api.enums.v1;
export type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

/** The workflow's history, or undefined when it cannot be read (not found, server busy). */
export async function fetchEvents(client: Client, workflowId: string): Promise<HistoryEvent[] | undefined> {
  const history = await client.workflow
    .getHandle(workflowId)
    .fetchHistory()
    .catch(() => undefined);
  return history?.events ?? undefined;
}

const timestampMs = (time: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  time ? Number(time.seconds) * 1000 + (time.nanos ?? 0) / 1e6 : NaN;

/** When the server recorded the event, in epoch ms (NaN without a time). */
export const eventMs = (event: HistoryEvent): number => timestampMs(event.eventTime);

/** The first event of `type`'s time, or undefined. */
export function firstEventMs(events: HistoryEvent[] | undefined, type: proto.temporal.api.enums.v1.EventType): number | undefined {
  const event = events?.find((each) => each.eventType === type);
  return event ? eventMs(event) : undefined;
}

/** `WORKFLOW_TASK_STARTED`, … (the enum's name without its prefix). */
export const eventName = (event: HistoryEvent): string => (EventType[event.eventType ?? 0] ?? String(event.eventType)).replace('EVENT_TYPE_', '');

/**
 * When a local activity finished, by the worker's clock (the same machine's): the `complete_time` the SDK's
 * core writes into its `core_local_activity` marker; undefined for other events.
 */
export function localActivityCompleteMs(event: HistoryEvent): number | undefined {
  const marker = event.markerRecordedEventAttributes;
  if (marker?.markerName !== 'core_local_activity') return undefined;
  const data = marker.details?.data?.payloads?.[0]?.data;
  if (!data) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(data).toString('utf8')) as { complete_time?: { seconds: number; nanos: number } };
    const ms = timestampMs(parsed.complete_time);
    return Number.isNaN(ms) ? undefined : ms;
  } catch {
    return undefined;
  }
}

/** Up to `size` items spread evenly over `items`. */
export function spreadSample<T>(items: readonly T[], size: number): T[] {
  const step = Math.max(1, Math.floor(items.length / size));
  return items.filter((_, i) => i % step === 0).slice(0, size);
}
