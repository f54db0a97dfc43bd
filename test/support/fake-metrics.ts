/** Records what a use case counted, for use-case tests that check their metrics without EMF. */
import type { Dimensions, MetricKey, Metrics } from '../../functions/core/metrics.ts';

export class RecordingMetrics implements Metrics {
  readonly records: { metric: MetricKey; value: number; dimensions: Dimensions }[] = [];

  record(metric: MetricKey, value = 1, dimensions: Dimensions = {}) {
    this.records.push({ metric, value, dimensions });
  }

  /** The sum recorded for one metric (and, if given, one dimension value). */
  total(metric: MetricKey, dimensions: Dimensions = {}): number {
    return this.records
      .filter((r) => r.metric === metric)
      .filter((r) => Object.entries(dimensions).every(([k, v]) => r.dimensions[k as keyof Dimensions] === v))
      .reduce((sum, r) => sum + r.value, 0);
  }
}
