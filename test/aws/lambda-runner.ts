/**
 * Runs a bundled Lambda function from the cloud assembly as the Node.js runtime would: a fresh Node
 * process outside the project (nothing resolves from node_modules), the handler module of the asset
 * folder imported, its export called once with the event and a Lambda-like context. Its environment is
 * the template's, plus what Lambda sets (AWS_REGION, the function's name) and AWS_ENDPOINT_URL pointing
 * every AWS SDK client at moto_server.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DeployedFunction } from './assembly.js';

/** Imports the handler and invokes it once with EVENT_JSON; prints `RESULT <json>` or `THREW <name>: <message>`. */
const RUNNER = `
const mod = await import(process.env.OP_HANDLER_URL);
const handler = mod[process.env.OP_HANDLER_EXPORT];
const context = {
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, functionVersion: '$LATEST',
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, awsRequestId: 'local-aws-' + Date.now(),
  invokedFunctionArn: process.env.OP_FUNCTION_ARN,
  getRemainingTimeInMillis: () => 30000,
};
try {
  const out = await handler(JSON.parse(process.env.OP_EVENT_JSON), context);
  process.stdout.write('\\nRESULT ' + JSON.stringify(out) + '\\n');
} catch (error) {
  process.stdout.write('\\nTHREW ' + (error && error.name) + ': ' + (error && error.message) + '\\n');
}
`;

export interface Invocation {
  /** What the handler returned. */
  result?: unknown;
  /** `<name>: <message>` when the handler threw. */
  threw?: string;
  /** The JSON lines the function logged (what Lambda ships to its log group). */
  logLines: Record<string, unknown>[];
  stdout: string;
  stderr: string;
}

export interface InvokeOptions {
  motoUrl: string;
  /** More environment (e.g. NODE_EXTRA_CA_CERTS); wins over the template's. */
  extraEnv?: Record<string, string>;
}

/**
 * The function's environment with every /opt path pointed into its layers' asset folders: Lambda
 * extracts the layers into /opt, which a test process cannot write to. A path no layer holds is left as
 * it is, so the function fails as it would in Lambda.
 */
function withLayersAtOpt(fn: DeployedFunction): Record<string, string> {
  const inLayers = (value: string): string => {
    if (!value.startsWith('/opt/')) return value;
    const found = [...fn.layerDirs].reverse().map((dir) => join(dir, value.slice('/opt/'.length)));
    return found.find((path) => existsSync(path)) ?? value;
  };
  return Object.fromEntries(Object.entries(fn.environment).map(([k, v]) => [k, inLayers(v)]));
}

export function invokeBundled(fn: DeployedFunction, event: unknown, options: InvokeOptions): Promise<Invocation> {
  const [file, exportName] = fn.handler.split('.');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    TZ: 'UTC',
    ...withLayersAtOpt(fn),
    AWS_REGION: fn.region,
    AWS_DEFAULT_REGION: fn.region,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
    AWS_ACCESS_KEY_ID: 'AKIDLOCALAWSTIER',
    AWS_SECRET_ACCESS_KEY: 'local-aws-tier-secret-key',
    // One endpoint for every client (SDK v3 reads AWS_ENDPOINT_URL), region-agnostic: moto keeps regions apart.
    AWS_ENDPOINT_URL: options.motoUrl,
    OP_HANDLER_URL: pathToFileURL(join(fn.codeDir, `${file}.mjs`)).href,
    OP_HANDLER_EXPORT: exportName ?? 'handler',
    OP_FUNCTION_ARN: fn.arn,
    OP_EVENT_JSON: JSON.stringify(event),
    ...options.extraEnv,
  };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', RUNNER],
      { env, cwd: tmpdir(), timeout: 90_000, maxBuffer: 20 * 1024 * 1024 },
      (_error, stdout, stderr) => {
        const logLines = `${stdout}\n${stderr}`
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as Record<string, unknown>);
        const resultLine = stdout.split('\n').find((l) => l.startsWith('RESULT '));
        const threwLine = stdout.split('\n').find((l) => l.startsWith('THREW '));
        resolve({
          logLines,
          stdout,
          stderr,
          ...(resultLine ? { result: JSON.parse(resultLine.slice('RESULT '.length)) } : {}),
          ...(threwLine ? { threw: threwLine.slice('THREW '.length) } : {}),
        });
      },
    );
  });
}
