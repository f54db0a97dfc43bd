/**
 * The configuration every function reads, in one place: handlers and their
 * wiring import `config` from here, never lethe.config.ts. It is what the
 * Lethe construct's schema returned at synth (a JSON file in the instance's
 * config layer, names CloudFormation decides in env), or the JSON in
 * LETHE_CONFIG (local mode and tests, lethe.config.ts after the same
 * schema). Cold start fills in the deploy-time names and checks the data map
 * again, now that they are known; the schema itself is not run here, so it
 * is not bundled. Nothing is bundled from lethe.config.ts: one prebuilt
 * bundle serves every deployment.
 */
import { readFileSync } from 'node:fs';
import { parseDuration } from '../core/duration.ts';
import {
  CONFIG_SOURCES,
  checkDataMap,
  type LetheConfig,
  LetheConfigError,
  resolveEnvReferences,
} from '../core/lethe-config.ts';
import { envOr } from './env.ts';

export type { LetheConfig };

const readSource = (): string => {
  const inline = process.env[CONFIG_SOURCES.env];
  if (inline !== undefined && inline !== '') return inline;
  const file = process.env[CONFIG_SOURCES.fileEnv] || CONFIG_SOURCES.file;
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new LetheConfigError(
      `no configuration: ${file} is missing (the Lethe construct's config layer) and ${CONFIG_SOURCES.env} is unset`,
    );
  }
};

export const config: LetheConfig = checkDataMap(
  resolveEnvReferences(JSON.parse(readSource()), process.env) as LetheConfig,
);

/** How often the schedule sweeps (`LETHE_SWEEP_INTERVAL` overrides it locally): the sweeper, the sender and retention all pace by it. */
export const sweepIntervalMs = (): number =>
  parseDuration(envOr('LETHE_SWEEP_INTERVAL', config.sweepInterval));
