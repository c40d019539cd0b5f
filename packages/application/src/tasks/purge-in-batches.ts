/**
 * Runs a bounded purge again while it fills whole batches, at most `maxBatches` times, so no
 * run holds the database for long; how many rows were purged in all.
 */
export async function purgeInBatches(purgeBatch: (limit: number) => Promise<number>, batchSize = 500, maxBatches = 20): Promise<number> {
  let purged = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const count = await purgeBatch(batchSize);
    purged += count;
    if (count < batchSize) break;
  }
  return purged;
}
