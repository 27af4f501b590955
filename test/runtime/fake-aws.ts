/**
 * A tiny stand-in for the AWS APIs the Lambda functions call, on 127.0.0.1, for the bundle smoke test:
 * the bundled handler runs in a child process with AWS_ENDPOINT_URL_* pointing here. It speaks just
 * enough of each protocol (JSON 1.1 for Secrets Manager and Logs, JSON 1.0 for CloudWatch, Query/XML
 * for SNS) and records every request.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeAwsRequest {
  /** `secretsmanager.GetSecretValue`, `GraniteServiceVersion20100801.PutMetricData`, `sns.Publish`, ... */
  operation: string;
  body: string;
}

export interface FakeAws {
  url: string;
  requests: FakeAwsRequest[];
  close(): Promise<void>;
}

export async function startFakeAws(options: { secrets: Record<string, string> }): Promise<FakeAws> {
  const requests: FakeAwsRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const target = req.headers['x-amz-target'];
      const operation =
        typeof target === 'string' ? target : `sns.${new URLSearchParams(body).get('Action') ?? 'unknown'}`;
      requests.push({ operation, body });
      const json = (version: string, status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': `application/x-amz-json-${version}` });
        res.end(JSON.stringify(payload));
      };
      switch (operation) {
        case 'secretsmanager.GetSecretValue': {
          const id = (JSON.parse(body) as { SecretId: string }).SecretId;
          const secret = options.secrets[id];
          if (secret === undefined) {
            json('1.1', 400, {
              __type: 'ResourceNotFoundException',
              message: 'Secrets Manager can’t find the specified secret.',
            });
          } else {
            json('1.1', 200, {
              ARN: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${id}-AbCdEf`,
              Name: id,
              VersionId: 'aaaaaaaa-0000-4000-8000-000000000001',
              SecretString: secret,
            });
          }
          return;
        }
        case 'secretsmanager.DescribeSecret':
          // Every secret here is a replica of a us-east-1 primary (the drift check's first call).
          json('1.1', 200, {
            Name: (JSON.parse(body) as { SecretId: string }).SecretId,
            PrimaryRegion: 'us-east-1',
            VersionIdsToStages: { 'aaaaaaaa-0000-4000-8000-000000000001': ['AWSCURRENT'] },
          });
          return;
        case 'secretsmanager.ListSecretVersionIds':
          // The primary's AWSCURRENT is the replica's: in sync.
          json('1.1', 200, {
            Versions: [
              {
                VersionId: 'aaaaaaaa-0000-4000-8000-000000000001',
                VersionStages: ['AWSCURRENT'],
                CreatedDate: 1_700_000_000,
              },
            ],
          });
          return;
        case 'GraniteServiceVersion20100801.PutMetricData':
          json('1.0', 200, {});
          return;
        case 'GraniteServiceVersion20100801.GetMetricData':
          json('1.0', 200, { MetricDataResults: [] });
          return;
        case 'GraniteServiceVersion20100801.DescribeAlarms': {
          // The watchdog's questions: one probe alarm is OK, the named (notifier) alarms are OK.
          const input = JSON.parse(body || '{}') as { StateValue?: string; AlarmNames?: string[] };
          const names =
            input.AlarmNames ?? (input.StateValue === 'OK' ? ['OAuthProbe-billing-api-eu-west-1-Availability'] : []);
          json('1.0', 200, { MetricAlarms: names.map((AlarmName) => ({ AlarmName, StateValue: 'OK' })) });
          return;
        }
        case 'Logs_20140328.FilterLogEvents':
          json('1.1', 200, { events: [] });
          return;
        case 'sns.Publish':
          res.writeHead(200, { 'content-type': 'text/xml' });
          res.end(
            '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>fake-message-1</MessageId></PublishResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></PublishResponse>',
          );
          return;
        default:
          json('1.1', 400, { __type: 'UnknownOperationException', message: operation });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
