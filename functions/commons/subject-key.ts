/**
 * The key behind subjects (functions/core/subject.ts), read once at cold
 * start. In AWS it lives in Secrets Manager and is read through the AWS
 * Parameters and Secrets Lambda Extension on localhost: no SDK client in the
 * bundle, and the extension caches it. Locally, LETHE_SUBJECT_KEY holds it.
 */
import { requireEnv } from './env.ts';

const EXTENSION_PORT = process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT ?? '2773';

const fromSecretsExtension = async (secretId: string): Promise<string> => {
  const response = await fetch(
    `http://localhost:${EXTENSION_PORT}/secretsmanager/get?secretId=${encodeURIComponent(secretId)}`,
    { headers: { 'X-Aws-Parameters-Secrets-Token': requireEnv('AWS_SESSION_TOKEN') } },
  );
  if (!response.ok) throw new Error(`Could not read the subject key secret: HTTP ${response.status}`);
  const { SecretString } = (await response.json()) as { SecretString?: string };
  if (!SecretString) throw new Error('The subject key secret has no SecretString');
  return SecretString;
};

export const loadSubjectKey = async (): Promise<string> =>
  process.env.LETHE_SUBJECT_KEY || fromSecretsExtension(requireEnv('LETHE_SUBJECT_KEY_SECRET'));
