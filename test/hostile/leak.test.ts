/**
 * Redaction by construction: a token endpoint that echoes what it received, in every encoding a server
 * might echo it in, must never get a secret into a result, the CLI's output (human and --json), the
 * Lambda's result log line, its metric data or a notification. Secrets carry spaces, `!'()*~+%:` and
 * non-ASCII characters, which the form encoding the probe itself sends changes; all four methods.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientAuthMethod } from '../../functions/config/schema.js';
import { parseAlarmName } from '../../functions/contract/alarm-naming.js';
import type { ClientSecret, ProbeResult } from '../../functions/engine/index.js';
import { runProbe } from '../../functions/engine/index.js';
import { buildMetricData } from '../../functions/runtime/probe/metrics.js';
import { logResult, resultFromLogLine } from '../../functions/runtime/shared/log.js';
import { buildNotification } from '../../functions/runtime/shared/notification.js';
import { createTestPki, generateClientKey } from '../../tools/local-servers/index.js';
// biome-ignore lint/style/noRestrictedImports: the engine tests' shared fixtures (inline servers, secret source)
import { type InlineServer, pemBodyLines, resolved, startInlineServer, TestSecretSource } from '../engine/helpers.js';
import { alarmChange } from '../runtime/alarm-fixtures.js';
import { runCli, workspace } from '../tools/cli/helpers.js';

/** Every character the form encoding changes, and some it does not. */
const HOSTILE_SECRET = "Correct Horse Battery Staple!'()*~+%:✓ü€/=&";
const MARKER = 'Staple';
const METHODS: ClientAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'tls_client_auth'];

/** How the echoing server quotes the request back, one way per path. */
const ECHOES: Record<string, (raw: string) => string> = {
  raw: (raw) => raw,
  decoded: (raw) => safe(() => decodeURIComponent(raw)),
  'form-decoded': (raw) => JSON.stringify(Object.fromEntries(new URLSearchParams(raw))),
  'ascii-json': (raw) =>
    JSON.stringify(Object.fromEntries(new URLSearchParams(raw))).replace(
      /[\u007f-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    ),
  lowercase: (raw) => raw.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
};

function safe(f: () => string): string {
  try {
    return f();
  } catch {
    return '';
  }
}

describe('an echoing token endpoint never gets a secret into any output', () => {
  let echo: InlineServer;
  const secrets: Record<string, ClientSecret> = {};
  const results: ProbeResult[] = [];
  const outputs: { where: string; text: string }[] = [];
  let pemLines: string[] = [];

  beforeAll(async () => {
    echo = await startInlineServer((req, res, body) => {
      const kind = new URL(req.url ?? '/', 'http://x').pathname.split('/').at(-1) ?? 'raw';
      const echoOf = ECHOES[kind] ?? ECHOES.raw!;
      const authorization = req.headers.authorization ?? '';
      const credential = authorization.replace(/^Basic /, '');
      const decodedCredential = Buffer.from(credential, 'base64').toString('utf8');
      const parts = [authorization, credential, decodedCredential, echoOf(decodedCredential), echoOf(body)];
      res.statusCode = 401;
      res.setHeader('content-type', 'application/json');
      // One part per request (the message keeps ~200 characters): the part index is in the query.
      const index = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('part') ?? 0);
      res.end(JSON.stringify({ error: 'invalid_client', error_description: `got ${parts[index] ?? ''}` }));
    });
    const [key, pki] = await Promise.all([generateClientKey('ES256'), createTestPki()]);
    secrets['s/basic'] = { client_id: 'probe basic:ü', client_secret: HOSTILE_SECRET };
    secrets['s/post'] = { client_id: 'probe-post', client_secret: HOSTILE_SECRET };
    secrets['s/jwt'] = { client_id: 'probe-jwt', private_key: key.privateKeyPem, key_id: key.kid };
    secrets['s/mtls'] = { client_id: 'probe-mtls', certificate: pki.client.cert, private_key: pki.client.key };
    pemLines = [...pemBodyLines(key.privateKeyPem), ...pemBodyLines(pki.client.key)];

    const configs = METHODS.flatMap((method, m) =>
      Object.keys(ECHOES).flatMap((kind) =>
        [0, 1, 2, 3, 4].map((part) => ({
          name: `${method.replace(/_/g, '-')}-${kind}-${part}`,
          tokenUrl: `${echo.url}/token/${kind}?part=${part}`,
          credentials: { secretId: ['s/basic', 's/post', 's/jwt', 's/mtls'][m]! },
          clientAuth: method,
        })),
      ),
    );
    const source = new TestSecretSource(secrets);
    for (const config of configs) results.push(await runProbe(resolved(config), { secrets: source }));

    // The Lambda's result log line, as Powertools writes it, and the notification read back from it.
    for (const result of results) {
      const lines: string[] = [];
      const logger = {
        info: (message: string, fields: Record<string, unknown>) => lines.push(JSON.stringify({ ...fields, message })),
        warn: (message: string, fields: Record<string, unknown>) => lines.push(JSON.stringify({ ...fields, message })),
        error: (message: string, fields: Record<string, unknown>) => lines.push(JSON.stringify({ ...fields, message })),
      };
      logResult(logger, result, { region: 'eu-west-1', scheduledTime: '2026-11-22T07:05:00.000Z' });
      outputs.push({ where: `log line of ${result.probe}`, text: lines.join('\n') });
      const alarm = alarmChange('availability', 'ALARM');
      const notification = buildNotification({
        alarm,
        identity: parseAlarmName(alarm.AlarmName)!,
        region: 'eu-west-1',
        latest: resultFromLogLine(lines[0]!)!,
        globalFailureRegions: 2,
        links: {},
      });
      outputs.push({
        where: `notification of ${result.probe}`,
        text: `${notification.subject}\n${notification.message}`,
      });
      const data = buildMetricData(result, { scheduledTime: new Date(0), gaugeThresholdDays: 14 });
      outputs.push({ where: `metrics of ${result.probe}`, text: JSON.stringify(data) });
      outputs.push({ where: `result of ${result.probe}`, text: JSON.stringify(result) });
    }

    // The CLI, human and --json, on the same probes.
    const ws = await workspace();
    await ws.write('probes.json', { probes: configs.filter((_, i) => i % 3 === 0) });
    await ws.write('secrets.json', secrets);
    for (const extra of [[], ['--json'], ['--verbose']]) {
      const cli = await runCli(['run', '-c', 'probes.json', '-s', 'secrets.json', ...extra], { cwd: ws.dir });
      outputs.push({ where: `CLI run ${extra.join(' ')}`, text: `${cli.stdout}\n${cli.stderr}` });
      expect(cli.code).toBe(1);
    }
  }, 120_000);

  afterAll(async () => {
    await echo?.close();
  });

  it('got a 401 with the echo for every method and echo form', () => {
    expect(results.map((r) => `${r.stage}:${r.code}`)).toEqual(results.map(() => 'token:invalid_client'));
    expect(results).toHaveLength(METHODS.length * Object.keys(ECHOES).length * 5);
  });

  it('redacted what was echoed, and left the rest of the server message', () => {
    const echoed = results.filter((r) => !r.probe.startsWith('tls-client-auth') && r.message?.includes('[redacted]'));
    expect(echoed.length).toBeGreaterThan(20);
    for (const result of results) expect(result.message).toMatch(/^token endpoint answered 401 invalid_client: got/);
  });

  it('finds no secret, in any encoding, in results, log lines, metrics, notifications or CLI output', () => {
    const wire: string[] = [];
    for (const request of echo.requests) {
      const form = new URLSearchParams(request.body);
      const assertion = form.get('client_assertion');
      if (assertion) wire.push(assertion, assertion.split('.')[2]!);
      const authorization = request.headers.authorization;
      if (authorization) wire.push(authorization.replace(/^Basic /, ''));
      const sent = /client_secret=([^&]*)/.exec(request.body)?.[1];
      if (sent) wire.push(sent);
    }
    expect(wire.length).toBeGreaterThan(40);
    const leaks: string[] = [];
    for (const { where, text } of outputs) {
      if (text.includes(MARKER)) leaks.push(`${where}: the secret's text`);
      for (const value of [...wire, ...pemLines])
        if (text.includes(value)) leaks.push(`${where}: ${value.slice(0, 16)}…`);
    }
    expect(leaks).toEqual([]);
  });
});
