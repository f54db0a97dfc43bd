/**
 * A data map's Cognito user pool: sign-in follows the account. Deactivation
 * disables the user and ends their sessions, restore enables them, the purge
 * deletes them, the export reads their attributes. Every call is idempotent,
 * so a retry after a partial failure simply does it again.
 *
 * cognito-local (the local stand-in) has no AdminUserGlobalSignOut: that one
 * call's "unsupported" answer from a local endpoint counts as skipped and is
 * logged once. Against AWS every call must succeed.
 */
import {
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminUserGlobalSignOutCommand,
  type CognitoIdentityProviderClient,
  DescribeUserPoolCommand,
  ListUsersCommand,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import type { CognitoUserPoolStore } from '../core/data-map.ts';
import type { SignInUsers } from '../events/ports.ts';

/** What an export holds of a user: attributes and state, never a password hash or an MFA secret. */
export interface CognitoUserExport {
  readonly username: string;
  readonly enabled: boolean;
  readonly status?: string;
  readonly createdAt?: string;
  readonly modifiedAt?: string;
  readonly attributes: Readonly<Record<string, string>>;
}

const isLocalEndpoint = (endpoint: string | undefined) =>
  endpoint !== undefined && /^http:\/\/(127\.0\.0\.1|localhost)(:|\/|$)/.test(endpoint);

const notFound = (error: unknown) =>
  error instanceof UserNotFoundException || (error as Error).name === 'UserNotFoundException';

export class CognitoUsers implements SignInUsers {
  private skippedSignOut = false;

  constructor(
    private readonly client: CognitoIdentityProviderClient,
    /** The endpoint the client talks to when it is not AWS's (AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER). */
    private readonly endpoint: string | undefined = process.env.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER,
    private readonly warn: (line: string) => void = (line) => console.warn(line),
  ) {}

  /** The user's username in the pool, or undefined when the pool has no such user. */
  async username(store: CognitoUserPoolStore, accountId: string): Promise<string | undefined> {
    if ((store.accountIdIs ?? 'username') === 'username') {
      return (await this.get(store, accountId)) ? accountId : undefined;
    }
    const { Users } = await this.client.send(
      new ListUsersCommand({
        UserPoolId: store.userPoolId,
        Filter: `sub = "${accountId.replace(/["\\]/g, '')}"`,
        Limit: 1,
      }),
    );
    return Users?.[0]?.Username;
  }

  /** Sign-in refused from now on, and every refresh token revoked. No user: nothing to do. */
  async disable(store: CognitoUserPoolStore, accountId: string): Promise<boolean> {
    const username = await this.username(store, accountId);
    if (username === undefined) return false;
    await this.client.send(new AdminDisableUserCommand({ UserPoolId: store.userPoolId, Username: username }));
    try {
      await this.client.send(
        new AdminUserGlobalSignOutCommand({ UserPoolId: store.userPoolId, Username: username }),
      );
    } catch (error) {
      if (!this.unsupportedLocally(error)) throw error;
    }
    return true;
  }

  async enable(store: CognitoUserPoolStore, accountId: string): Promise<boolean> {
    const username = await this.username(store, accountId);
    if (username === undefined) return false;
    await this.client.send(new AdminEnableUserCommand({ UserPoolId: store.userPoolId, Username: username }));
    return true;
  }

  /**
   * Deletes the user; the count is what went (0 when a retry finds them gone
   * already). `announce` is told the username first (see StorePurger).
   */
  async delete(
    store: CognitoUserPoolStore,
    accountId: string,
    announce?: (keys: readonly string[]) => Promise<void>,
  ): Promise<number> {
    const username = await this.username(store, accountId);
    if (username === undefined) return 0;
    await announce?.([username]);
    return (await this.deleteUser(store, username)) ? 1 : 0;
  }

  /** Deletes a user by username: false when there was none. */
  async deleteUser(store: CognitoUserPoolStore, username: string): Promise<boolean> {
    try {
      await this.client.send(
        new AdminDeleteUserCommand({ UserPoolId: store.userPoolId, Username: username }),
      );
      return true;
    } catch (error) {
      if (notFound(error)) return false;
      throw error;
    }
  }

  async count(store: CognitoUserPoolStore, accountId: string): Promise<number> {
    return (await this.username(store, accountId)) === undefined ? 0 : 1;
  }

  /** The user as an export shows them; AdminGetUser returns no password hash and no MFA secret. */
  async read(store: CognitoUserPoolStore, accountId: string): Promise<CognitoUserExport | undefined> {
    const username = await this.username(store, accountId);
    if (username === undefined) return undefined;
    const user = await this.get(store, username);
    if (!user) return undefined;
    return {
      username,
      enabled: user.Enabled ?? true,
      ...(user.UserStatus && { status: user.UserStatus }),
      ...(user.UserCreateDate && { createdAt: new Date(user.UserCreateDate).toISOString() }),
      ...(user.UserLastModifiedDate && { modifiedAt: new Date(user.UserLastModifiedDate).toISOString() }),
      attributes: Object.fromEntries((user.UserAttributes ?? []).map((a) => [a.Name ?? '', a.Value ?? ''])),
    };
  }

  /** The pool's name; throws ResourceNotFoundException when there is no such pool (lethe verify). */
  async poolName(store: CognitoUserPoolStore): Promise<string> {
    const { UserPool } = await this.client.send(
      new DescribeUserPoolCommand({ UserPoolId: store.userPoolId }),
    );
    return UserPool?.Name ?? store.userPoolId;
  }

  /** Whether the user may sign in: for tests and the CLI. */
  async enabled(store: CognitoUserPoolStore, accountId: string): Promise<boolean | undefined> {
    const user = await this.read(store, accountId);
    return user?.enabled;
  }

  private async get(store: CognitoUserPoolStore, username: string) {
    try {
      return await this.client.send(
        new AdminGetUserCommand({ UserPoolId: store.userPoolId, Username: username }),
      );
    } catch (error) {
      if (notFound(error)) return undefined;
      throw error;
    }
  }

  private unsupportedLocally(error: unknown): boolean {
    const text = `${(error as Error).name} ${(error as Error).message}`;
    if (!isLocalEndpoint(this.endpoint) || !/unsupported/i.test(text)) return false;
    if (!this.skippedSignOut) {
      this.skippedSignOut = true;
      this.warn(
        'cognito-local has no AdminUserGlobalSignOut: sessions are not ended locally (disabling still refuses sign-in)',
      );
    }
    return true;
  }
}
