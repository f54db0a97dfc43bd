/**
 * The configuration every function reads, in one place: handlers and their
 * wiring import `config` from here, never lethe.config.ts. It is what the
 * Lethe construct passed at deploy time (a JSON file in the instance's config
 * layer, names CloudFormation decides in env), or the JSON in LETHE_CONFIG
 * (local mode and tests, from lethe.config.ts), checked at cold start by the
 * same schema the construct ran at synth. Nothing is bundled: one prebuilt
 * bundle serves every deployment.
 */
import { readFileSync } from 'node:fs';
import {
  CONFIG_SOURCES,
  type LetheConfig,
  LetheConfigError,
  parseConfig,
  resolveEnvReferences,
} from '../core/config-schema.ts';

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

export const config: LetheConfig = parseConfig(resolveEnvReferences(JSON.parse(readSource()), process.env));
