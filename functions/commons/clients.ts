/**
 * SDK clients, created once per container at module scope. Endpoints come
 * from the standard AWS_ENDPOINT_URL_* variables, so local mode points the
 * same code at the stand-ins without a branch here.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const dynamoClient = new DynamoDBClient({ maxAttempts: 8 });

export const dynamo = DynamoDBDocumentClient.from(dynamoClient, {
  marshallOptions: { removeUndefinedValues: true },
});

/** Only for a data map that names a user pool: a function without one never loads it. */
export const cognitoClient = () => new CognitoIdentityProviderClient({ maxAttempts: 8 });
