/**
 * The Metrics port on Powertools Metrics: each record is one EMF line on
 * stdout, which CloudWatch turns into a metric in the `Lethe` namespace with
 * the `service` dimension (POWERTOOLS_SERVICE_NAME, one per Lethe instance)
 * and the record's own, never an account id. One line per record, written at
 * once: nothing is buffered, so nothing is lost when a worker is killed, and
 * no handler has to remember to flush.
 */
import { Metrics as Powertools } from '@aws-lambda-powertools/metrics';
import {
  DIMENSION_NAMES,
  type Dimensions,
  METRICS,
  METRICS_NAMESPACE,
  type MetricKey,
  type Metrics,
} from '../core/metrics.ts';

export class EmfMetrics implements Metrics {
  private readonly metrics: Powertools;

  constructor(serviceName = process.env.POWERTOOLS_SERVICE_NAME || 'lethe') {
    this.metrics = new Powertools({ namespace: METRICS_NAMESPACE, serviceName });
  }

  record(metric: MetricKey, value = 1, dimensions: Dimensions = {}): void {
    const { name, unit } = METRICS[metric];
    const single = this.metrics.singleMetric();
    for (const key of DIMENSION_NAMES) {
      const dimension = dimensions[key];
      if (dimension !== undefined) single.addDimension(key, dimension);
    }
    single.addMetric(name, unit, value);
  }
}
