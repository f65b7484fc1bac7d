/** How big and how long a soak is. */
export interface Profile {
  name: string;
  /** How long the load runs; faults are injected during this window only. */
  durationMs: number;
  organizations: number;
  identitiesPerOrganization: number;
  /** ORG_NUMBER_LIMIT of the stack: small, so the limit is hit under load. */
  orgNumberLimit: number;
  /** Pause between two scheduled faults of a storm, drawn in [min, max]. */
  faultGapMs: [number, number];
  /** Faults come in storms this long; each storm ends by clearing every fault it set. */
  stormMs: number;
  /**
   * After each storm, once the worker polls again, a calm this long with no fault open: the POSTs
   * issued in it, past `calmSettleMs`, are the liveness floor's sample.
   */
  calmMs: number;
  /** The start of a calm left out of the sample, for the last storm's in-flight work to drain. */
  calmSettleMs: number;
  /** ORDER_DEADLINE_MS: short, so delayed orders run into it. */
  orderDeadlineMs: number;
  /** PROVISION_WAIT_MS: short, so the 202 path is exercised too. */
  provisionWaitMs: number;
  /** Bound on the wait for no running workflow after the load stops. */
  quiescenceTimeoutMs: number;
}

export const profiles: Record<string, Profile> = {
  ci: {
    name: 'ci',
    // Three storm-and-calm cycles; every fault kind falls in the first two storms.
    durationMs: 90_000,
    organizations: 10,
    identitiesPerOrganization: 3,
    orgNumberLimit: 2,
    faultGapMs: [1_500, 3_500],
    stormMs: 20_000,
    calmMs: 12_000,
    calmSettleMs: 3_000,
    orderDeadlineMs: 8_000,
    provisionWaitMs: 6_000,
    quiescenceTimeoutMs: 180_000,
  },
  long: {
    name: 'long',
    durationMs: 600_000,
    // 24 x 4 saturates a 2-core machine (workflow tasks waited 65 s to start); this soaks, it does not load-test.
    organizations: 12,
    identitiesPerOrganization: 3,
    orgNumberLimit: 2,
    faultGapMs: [4_000, 12_000],
    stormMs: 60_000,
    calmMs: 20_000,
    calmSettleMs: 3_000,
    orderDeadlineMs: 8_000,
    provisionWaitMs: 6_000,
    quiescenceTimeoutMs: 300_000,
  },
};
