/** What a reconciliation run is given; the schedule passes the configured grace period. */
export interface ReconcileInventoryInput {
  /** Carrier numbers no live row owns are released only once older than this. */
  graceMs: number;
  /** Limit the sweep to these organizations (a targeted run, or a test sharing its database); all when absent. */
  organizationIds?: string[];
}

/** A carrier number the sweep released. */
export interface ReleasedOrphan {
  phoneNumber: string;
  carrierNumberId: string;
  customerReference: string | null;
}

/** An active or paused row whose number the carrier no longer has. */
export interface FlaggedRow {
  phoneNumberId: string;
  organizationId: string;
  number: string;
}

/** What one run found and did; counts are what metrics are built from. */
export interface ReconcileReport {
  /** Numbers the carrier lists as this service's (tagged by it, or ordered under a provisioning id). */
  carrierNumbers: number;
  /** Active and paused rows with a number. */
  liveRows: number;
  released: ReleasedOrphan[];
  flagged: FlaggedRow[];
  /** Orphans younger than the grace period, left for a later run. */
  skippedInGrace: number;
  /** Numbers a running provisioning or release still owns. */
  skippedInFlight: number;
  /** Orphans whose release failed this time (retried by the next run). */
  releaseFailed: string[];
  /** Rows flagged earlier whose number the carrier lists again; their flag was cleared. */
  recovered: number;
}

/** Schedule that runs the sweep; one per namespace. */
export const reconcileScheduleId = 'reconcile-inventory';

/** The carrier's customer_reference of a number bought by provisioning is its workflow id. */
export const provisionReferencePrefix = 'provision/';

/** The organization a carrier number was bought for, from its provisioning reference or its `org:` tag. */
export function carrierNumberOrganization(customerReference: string | null, tags: readonly string[]): string | null {
  if (customerReference?.startsWith(provisionReferencePrefix)) {
    return customerReference.slice(provisionReferencePrefix.length).split('/')[0] || null;
  }
  const tag = tags.find((each) => each.startsWith('org:'));
  return tag ? tag.slice('org:'.length) : null;
}
