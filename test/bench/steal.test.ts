import { existsSync } from 'node:fs';
import { describeSteal, measureSteal, STEAL_WARNING, stealShare, stealSinceBoot } from '../../src/bench/steal';

describe('hypervisor steal (bench)', () => {
  const linux = existsSync('/proc/stat');

  (linux ? it : it.skip)('reads the steal since boot from /proc/stat, and a phase never gets a negative one', () => {
    const since = stealSinceBoot();
    expect(typeof since).toBe('number');
    expect(since).toBeGreaterThanOrEqual(0);
    const phase = measureSteal()();
    expect(phase?.seconds).toBeGreaterThanOrEqual(0);
    expect(phase?.share).toBeGreaterThanOrEqual(0);
  });

  it('marks a phase SKEWED only past the warning share', () => {
    expect(describeSteal('plan run', { seconds: 0.1, share: STEAL_WARNING })).toBe('plan run 0.10 s (5 %)');
    expect(describeSteal('native loads', { seconds: 3.4, share: 0.37 })).toBe(
      'native loads 3.40 s (37 %) — SKEWED: the host took that CPU, rerun',
    );
    expect(describeSteal('pgloader', null)).toBe('pgloader: steal unknown');
    expect(stealShare(null)).toBe('?');
  });
});
