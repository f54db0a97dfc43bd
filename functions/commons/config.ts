/**
 * The configuration every function reads, in one place: handlers and their
 * wiring import `config` from here, never lethe.config.ts directly, so where
 * the configuration comes from (today the bundled lethe.config.ts; with the
 * Lethe construct, what the construct passes at deploy time) changes here only.
 * The data map is validated once, at cold start.
 */

import { config as bundled, type LetheConfig } from '../../lethe.config.ts';
import { validateDataMap } from '../core/data-map.ts';

export type { LetheConfig };

export const config: LetheConfig = { ...bundled, dataMap: validateDataMap(bundled.dataMap) };
