/** How big and how long a soak is. */
export interface Profile {
  name: string;
  /** How long the load runs; faults are injected during this window only. */
  durationMs: number;
  organizations: number;
  identitiesPerOrganization: number;
  /** ORG_NUMBER_LIMIT of the stack: small, so the limit is hit under load. */
  orgNumberLimit: number;
  /** Pause between two scheduled faults, drawn in [min, max]. */
  faultGapMs: [number, number];
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
    durationMs: 75_000,
    organizations: 10,
    identitiesPerOrganization: 3,
    orgNumberLimit: 2,
    faultGapMs: [2_000, 5_000],
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
    orderDeadlineMs: 8_000,
    provisionWaitMs: 6_000,
    quiescenceTimeoutMs: 300_000,
  },
};
