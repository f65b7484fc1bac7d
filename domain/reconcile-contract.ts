/**
 * What a reconciliation run is given. The schedule fills every field from the config, so the schedule in
 * the UI shows exactly what the sweep does; a run started by hand (a targeted or dry run) passes its own.
 */
export interface ReconcileInventoryInput {
  /** Carrier numbers no live row owns are released only once older than this. */
  graceMs: number;
  /** Only numbers tagged `deployment:<deploymentId>` are this deployment's (DEPLOYMENT_ID). */
  deploymentId: string;
  /** ...and only if attached to this connection (TELNYX_CONNECTION_ID): both must match. */
  connectionId: string;
  /** A run that finds more orphans than this releases none of them and reports them (RECONCILE_MAX_RELEASES). */
  maxReleases: number;
  /** Report what the run would release, flag and repair, and change nothing (RECONCILE_DRY_RUN). */
  dryRun: boolean;
  /** Rows are repaired only once unchanged for this long, so a workflow just starting is never raced; default `defaultRepairMinAgeMs`. */
  repairMinAgeMs?: number;
  /** Limit the sweep to these organizations (a targeted run, or a test sharing its database); all when absent. */
  organizationIds?: string[];
}

/** Ten minutes: far longer than any start takes, short enough that a stuck row is freed the same hour. */
export const defaultRepairMinAgeMs = 10 * 60_000;

/** A carrier number the sweep found orphaned (and released, unless withheld). */
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

/**
 * A row whose workflow closed (or is gone after retention) while the row was not terminal: a
 * `provisioning` row is failed; a `released` row whose carrier release was never confirmed is released at the carrier.
 */
export interface StuckRow {
  phoneNumberId: string;
  organizationId: string;
  status: 'provisioning' | 'released';
  /** The closed workflow: the provisioning's id for a provisioning row, the release's for a released row. */
  workflowId: string;
  /** Its last run's status (`COMPLETED`, `FAILED`, `TERMINATED`, ...), or `NOT_FOUND` after retention. */
  workflowStatus: string;
  number: string | null;
  carrierNumberId: string | null;
}

/** What one run found and did; counts are what metrics are built from. */
export interface ReconcileReport {
  /** Numbers the carrier lists as this deployment's (its deployment tag on its connection). */
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
  /** Stuck rows brought to their terminal state. */
  repaired: StuckRow[];
  /** Phone number ids of stuck rows whose repair failed this time (retried by the next run). */
  repairFailed: string[];
  /**
   * Present when the run found more orphans than `maxReleases`: it released none of them. So many at
   * once means something is wrong (another database, another deployment's numbers): an operator decides.
   */
  overCap?: { maxReleases: number; orphans: ReleasedOrphan[] };
  /** Present on a dry run, which changed nothing: what it would have released, flagged, cleared and repaired. */
  dryRun?: { release: ReleasedOrphan[]; flag: FlaggedRow[]; recover: number; repair: StuckRow[] };
}

/** Schedule that runs the sweep; one per namespace. */
export const reconcileScheduleId = 'reconcile-inventory';
