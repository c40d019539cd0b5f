import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { propertyRuns } from '../testing/index.js';

describe('propertyRuns', () => {
  it('runs the local number of cases unless PROPERTY_RUNS_FACTOR scales it', () => {
    assert.deepEqual(propertyRuns(10, {}), { numRuns: 10 });
    assert.deepEqual(propertyRuns(10, { PROPERTY_RUNS_FACTOR: '5' }), { numRuns: 50 });
    assert.deepEqual(propertyRuns(3, { PROPERTY_RUNS_FACTOR: '0.1' }), { numRuns: 1 });
    assert.deepEqual(propertyRuns(10, { PROPERTY_RUNS_FACTOR: 'lots' }), { numRuns: 10 });
  });

  it('replays a failure from PROPERTY_SEED and PROPERTY_PATH', () => {
    assert.deepEqual(propertyRuns(10, { PROPERTY_SEED: '-42', PROPERTY_PATH: '3:1:0' }), { numRuns: 10, seed: -42, path: '3:1:0' });
  });
});
