/**
 * The Metrics port as CloudWatch Embedded Metric Format: each record is one
 * JSON line on stdout, which CloudWatch turns into a metric in the `Lethe`
 * namespace with the `service` dimension (POWERTOOLS_SERVICE_NAME, one per
 * Lethe instance) and the record's own, never an account id. One line per
 * record, written at once: nothing is buffered, so nothing is lost when a
 * worker is killed, and no handler has to remember to flush.
 *
 * Written by hand rather than with Powertools Metrics: the lines are the
 * same (Powertools' `singleMetric()` output, field for field), but the
 * library cost ≈ 15 KB and its init in every function, for a dozen lines of
 * JSON. The switches are Powertools' own: POWERTOOLS_METRICS_DISABLED, else
 * POWERTOOLS_DEV, turns the lines off.
 */
import {
  DIMENSION_NAMES,
  type Dimensions,
  METRICS,
  METRICS_NAMESPACE,
  type MetricKey,
  type Metrics,
} from '../core/metrics.ts';

const TRUE = new Set(['1', 'y', 'yes', 't', 'true', 'on']);

/** Powertools' reading of a boolean switch: one of its truthy words, case-insensitive. */
const isOn = (value: string | undefined): boolean => TRUE.has((value ?? '').trim().toLowerCase());

/** Off when POWERTOOLS_METRICS_DISABLED says so; when it is unset, off in POWERTOOLS_DEV mode. */
export const metricsDisabled = (env: Readonly<Record<string, string | undefined>> = process.env): boolean =>
  env.POWERTOOLS_METRICS_DISABLED !== undefined
    ? isOn(env.POWERTOOLS_METRICS_DISABLED)
    : isOn(env.POWERTOOLS_DEV);

/** One EMF line: the metric, the service dimension, then the record's dimensions in catalogue order. */
export const emfLine = (
  serviceName: string,
  metric: MetricKey,
  value: number,
  dimensions: Dimensions,
  timestamp: number,
): string => {
  const { name, unit } = METRICS[metric];
  const values: Record<string, string> = { service: serviceName };
  for (const key of DIMENSION_NAMES) {
    const dimension = dimensions[key];
    // Powertools drops an empty dimension (with a warning); so does this.
    if (dimension !== undefined && dimension !== '') values[key] = dimension;
  }
  return JSON.stringify({
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [
        {
          Namespace: METRICS_NAMESPACE,
          Dimensions: [Object.keys(values)],
          Metrics: [{ Name: name, Unit: unit }],
        },
      ],
    },
    ...values,
    [name]: value,
  });
};

export class EmfMetrics implements Metrics {
  private readonly disabled = metricsDisabled();

  constructor(private readonly serviceName = process.env.POWERTOOLS_SERVICE_NAME || 'lethe') {}

  record(metric: MetricKey, value = 1, dimensions: Dimensions = {}): void {
    if (this.disabled) return;
    // stdout itself, not `console`: Lambda prefixes console lines, and EMF must be the whole line.
    process.stdout.write(`${emfLine(this.serviceName, metric, value, dimensions, Date.now())}\n`);
  }
}
