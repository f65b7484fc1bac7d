/** The engine-ceiling workflow's only activity. */
export function createNoopActivities() {
  return {
    async noop(): Promise<void> {},
  };
}

export type NoopActivities = ReturnType<typeof createNoopActivities>;
