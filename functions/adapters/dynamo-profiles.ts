/** Reads the host app's profile (email, name, locale) where the data map says it lives. */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  type DataMap,
  fillTemplate,
  type Profile,
  type ProfileReader,
  profileStore,
} from '../core/data-map.ts';

export class DynamoProfileReader implements ProfileReader {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly map: DataMap,
  ) {}

  async get(accountId: string): Promise<Profile | undefined> {
    const store = profileStore(this.map);
    const { attributes } = this.map.profile;
    // A Query with Limit 1 serves tables with or without a sort key alike.
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: store.table,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': store.key.partitionKey },
        ExpressionAttributeValues: { ':pk': fillTemplate(store.keyTemplate, accountId) },
        Limit: 1,
      }),
    );
    const item = Items?.[0];
    if (!item) return undefined;
    const text = (name: string | undefined) =>
      name !== undefined && typeof item[name] === 'string' ? (item[name] as string) : undefined;
    const email = text(attributes.email) ?? '';
    const name = text(attributes.name);
    const locale = text(attributes.locale);
    const timeZone = text(attributes.timeZone);
    return {
      email,
      ...(name !== undefined && { name }),
      ...(locale !== undefined && { locale }),
      ...(timeZone !== undefined && { timeZone }),
    };
  }
}
