/** fast-check's run parameters for one property. */
export interface PropertyRuns {
  readonly numRuns: number;
  readonly seed?: number;
  readonly path?: string;
}

/**
 * How many runs a property gets: `runs` on a developer's machine (the suite stays fast), times
 * PROPERTY_RUNS_FACTOR where that is set (.ci/run sets it; a nightly-sized run is a bigger
 * factor). A failure prints its seed and path: PROPERTY_SEED and PROPERTY_PATH replay it.
 */
export function propertyRuns(runs: number, env: Readonly<Record<string, string | undefined>> = process.env): PropertyRuns {
  const factor = Number(env['PROPERTY_RUNS_FACTOR'] ?? '1');
  const seed = env['PROPERTY_SEED'];
  const path = env['PROPERTY_PATH'];
  return {
    numRuns: Math.max(1, Math.round(runs * (Number.isFinite(factor) && factor > 0 ? factor : 1))),
    ...(seed !== undefined && seed !== '' && { seed: Number(seed) }),
    ...(path !== undefined && path !== '' && { path }),
  };
}
