/**
 * The hand-written EMF writer against Powertools Metrics, which it replaced:
 * for the same record, the same line (field for field, in the same order),
 * and the same on/off switches. CloudWatch, the dashboard and the alarms
 * read these lines, so they must not change.
 */
import { Metrics as Powertools } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EmfMetrics, emfLine, metricsDisabled } from '../../../functions/adapters/emf-metrics.ts';
import type { Dimensions, MetricKey } from '../../../functions/core/metrics.ts';
import { METRICS, METRICS_NAMESPACE } from '../../../functions/core/metrics.ts';
import { captureOutput } from '../../support/log-capture.ts';

const NOW = Date.UTC(2027, 0, 2, 12);

/** The line Powertools writes for one record, as the old adapter made it. */
const powertoolsLine = (service: string, metric: MetricKey, value: number, dimensions: Dimensions) => {
  const output = captureOutput();
  try {
    const single = new Powertools({ namespace: METRICS_NAMESPACE, serviceName: service }).singleMetric();
    for (const key of ['store', 'processor', 'kind', 'actor'] as const) {
      const dimension = dimensions[key];
      if (dimension !== undefined) single.addDimension(key, dimension);
    }
    single.addMetric(METRICS[metric].name, METRICS[metric].unit, value);
  } finally {
    output.stop();
  }
  return output.lines.filter((line) => line.includes('"_aws"'));
};

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

describe('the EMF writer', () => {
  it.each<[MetricKey, number, Dimensions]>([
    ['accountsDeactivated', 1, { actor: 'user' }],
    ['itemsDeleted', 25, { store: 'orders' }],
    ['purgeDuration', 1234.5, {}],
    ['exportBytes', 2048, { store: 'exports' }],
    ['processorRequests', 1, { processor: 'newsletter' }],
    ['noticesSent', 1, { kind: 'reminder', actor: 'system' }],
    ['itemsDeleted', 3, { store: 'orders', processor: 'x', kind: 'purged', actor: 'system' }],
  ])('writes %s (%d, %j) exactly as Powertools did', (metric, value, dimensions) => {
    // Arrange
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    vi.useFakeTimers({ now: NOW });
    // Act
    const expected = powertoolsLine('shop-lethe', metric, value, dimensions);
    const actual = emfLine('shop-lethe', metric, value, dimensions, NOW);
    // Assert
    expect(expected).toEqual([actual]);
  });

  it('drops an empty dimension, as Powertools did', () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    expect(JSON.parse(emfLine('lethe', 'itemsDeleted', 1, { store: '' }, NOW))).not.toHaveProperty('store');
  });

  it.each([
    [{ POWERTOOLS_METRICS_DISABLED: 'true' }, true],
    [{ POWERTOOLS_METRICS_DISABLED: 'TRUE' }, true],
    [{ POWERTOOLS_METRICS_DISABLED: '1' }, true],
    [{ POWERTOOLS_METRICS_DISABLED: 'false' }, false],
    [{ POWERTOOLS_METRICS_DISABLED: 'false', POWERTOOLS_DEV: 'true' }, false],
    [{ POWERTOOLS_DEV: 'true' }, true],
    [{ POWERTOOLS_DEV: 'false' }, false],
    [{}, false],
  ])('with %j is off: %s', (env, off) => {
    expect(metricsDisabled(env)).toBe(off);
  });

  it('writes one line to stdout per record, and none when off', () => {
    // Arrange
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const on = new EmfMetrics('lethe-test');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    const off = new EmfMetrics('lethe-test');
    const output = captureOutput();
    // Act
    try {
      on.record('sweepRuns');
      off.record('sweepRuns');
    } finally {
      output.stop();
    }
    // Assert
    expect(output.lines).toHaveLength(1);
    expect(JSON.parse(output.lines[0]!)).toMatchObject({ service: 'lethe-test', SweepRuns: 1 });
  });
});
