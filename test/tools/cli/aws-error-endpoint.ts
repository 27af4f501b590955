/**
 * A stand-in AWS endpoint on 127.0.0.1 that refuses every call with one error (AccessDenied,
 * ExpiredToken, ...), in the protocol of the client that calls it, so that the SDK parses it into the
 * error it would get from AWS: JSON 1.0/1.1 (`X-Amz-Target`: CloudWatch, CloudWatch Logs, Secrets
 * Manager, SSM; CloudWatch with its query-compatible error code header), Query/XML (CloudFormation)
 * and REST-JSON (Lambda). Point a command at it with AWS_ENDPOINT_URL.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AwsErrorEndpoint {
  url: string;
  /** `X-Amz-Target` (JSON), `Action` (Query) or the path (REST) of every request, in order. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * @param code the error code as Query services (and CloudWatch's compatibility header) send it:
 *   `AccessDenied`, `ExpiredToken`, `InvalidClientTokenId`
 * @param jsonType the same error as JSON and REST services name it. @default `${code}Exception`
 */
export async function startAwsErrorEndpoint(code: string, jsonType = `${code}Exception`): Promise<AwsErrorEndpoint> {
  const requests: string[] = [];
  const message = 'User: arn:aws:iam::123456789012:user/cli-test is not authorized to perform this action';
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      const target = req.headers['x-amz-target'];
      const contentType = String(req.headers['content-type'] ?? '');
      if (typeof target === 'string') {
        requests.push(target);
        res.writeHead(400, {
          'content-type': contentType.includes('1.0') ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1',
          // CloudWatch's JSON protocol is query-compatible: the SDK takes the error code from here.
          'x-amzn-query-error': `${code};Sender`,
        });
        res.end(JSON.stringify({ __type: jsonType, message }));
      } else if (contentType.includes('x-www-form-urlencoded')) {
        requests.push(new URLSearchParams(body).get('Action') ?? 'unknown');
        res.writeHead(403, { 'content-type': 'text/xml' });
        res.end(
          `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`,
        );
      } else {
        requests.push(req.url ?? '/');
        res.writeHead(403, { 'content-type': 'application/json', 'x-amzn-errortype': jsonType });
        res.end(JSON.stringify({ Message: message }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port nothing listens on (bound, then released): connections to it are refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
