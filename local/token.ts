/**
 * `npm run token -- <accountId> [--admin] [--expires-in <seconds>]` prints a
 * token local mode accepts. Only the token goes to stdout, so
 * `TOKEN=$(npm run -s token -- demo-0001)` works.
 */
import { parseArgs } from 'node:util';
import { isAccountId } from '../functions/core/account-id.ts';
import { signLocalToken } from './jwt.ts';

const usage = 'usage: npm run token -- <accountId> [--admin] [--expires-in <seconds>]';

const main = async () => {
  // `--expires-in -60` reads naturally; parseArgs wants `--expires-in=-60` for a value starting with a dash.
  const args: string[] = [];
  for (const arg of process.argv.slice(2)) {
    if (args.at(-1) === '--expires-in') args[args.length - 1] = `--expires-in=${arg}`;
    else args.push(arg);
  }
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      admin: { type: 'boolean', default: false },
      'expires-in': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const [accountId, ...extra] = positionals;
  if (!accountId || extra.length > 0) throw new Error(usage);
  if (!isAccountId(accountId))
    throw new Error('accountId must be 1-128 letters, digits or ._:|@+- characters');
  const raw = values['expires-in'];
  const expiresInSeconds = raw === undefined ? 3600 : Number(raw);
  if (!Number.isInteger(expiresInSeconds) || expiresInSeconds === 0) {
    throw new Error('--expires-in takes a whole, non-zero number of seconds (negative: already expired)');
  }
  console.log(await signLocalToken(accountId, { admin: values.admin, expiresInSeconds }));
};

main().catch((error: unknown) => {
  console.error(`token: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
