/**
 * One metrics writer per container, like the logger. Local mode turns it off
 * with POWERTOOLS_METRICS_DISABLED (its terminal is for people, not EMF).
 */
import { EmfMetrics } from '../adapters/emf-metrics.ts';

export const metrics = new EmfMetrics();
