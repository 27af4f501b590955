/**
 * The notification the demo prints: the notifier's own message for a real failed run against the
 * local authorization server, on the path a deployed failure takes (log line, read back, builder).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveProbe } from '../../../functions/config/resolve.js';
import type { ProbesConfig } from '../../../functions/config/schema.js';
import { type ProbeResult, runProbe } from '../../../functions/engine/index.js';
import { MemorySecretSource } from '../../../functions/secrets/memory-source.js';
import { dashboardUrl } from '../../../lib/names.js';
import { emailText, failureNotification, SAMPLE_REGION } from '../../../tools/demo/notification.js';
import { type LocalEnvironment, startLocalEnvironment } from '../../../tools/local-servers/index.js';

const WRONG = 'stale-secret-4Fq9TzW2pLx8';
let env: LocalEnvironment;
let failed: ProbeResult;

beforeAll(async () => {
  env = await startLocalEnvironment({ https: true });
  const store = new Map<string, unknown>(Object.entries(env.secrets));
  store.set('local/basic', { ...env.secrets['local/basic'], client_secret: WRONG });
  const probe = env.probe('client_secret_basic', { name: 'billing-api' });
  failed = await runProbe(resolveProbe({ probes: [probe] } as ProbesConfig, probe), {
    secrets: new MemorySecretSource(store),
  });
});

afterAll(async () => {
  await env?.close();
});

describe('failureNotification', () => {
  it("is the notifier's warning for the run's Availability alarm, with the engine's diagnosis", () => {
    expect(failed.code).toBe('invalid_client');
    const at = new Date('2026-12-01T20:01:30.000Z');
    const notification = failureNotification(failed, { at, lastGoodRun: '2026-12-01T19:55:00.000Z' });

    expect(notification.subject).toBe(`[FAIL] billing-api: token invalid_client (${SAMPLE_REGION})`);
    const email = emailText(notification);
    expect(email.startsWith(`Subject: ${notification.subject}\n\n`)).toBe(true);
    expect(email).toContain(`Hint:          ${failed.hint}`);
    expect(email).toContain('HTTP status:   401');
    expect(email).toContain('State:         ALARM (was OK) at 2026-12-01T20:01:30.000+0000');
    expect(email).toContain('Last good run: 2026-12-01T19:55:00.000Z');
    expect(email).toContain(`Dashboard:     ${dashboardUrl(SAMPLE_REGION)}`);
    expect(email).toContain(`Alarm:         OAuthProbe-billing-api-${SAMPLE_REGION}-Availability`);
    // Without a runbook URL, the first checks of the matching runbook.
    expect(email).toMatch(/First checks \(docs\/runbooks\/[\w-]+\.md\):\n1\. /);
    expect(notification.document.result?.code).toBe('invalid_client');
    expect(notification.document.incidentKey).toBe(`oauth-probe/billing-api/warning/${SAMPLE_REGION}/availability`);
  });

  it('carries no secret: not the stale secret sent, nor any client credential of the environment', () => {
    const notification = failureNotification(failed, { at: new Date(), probeLogGroup: '/aws/lambda/probe' });
    const everything = `${notification.subject}\n${notification.message}\n${JSON.stringify(notification.document)}`;
    const secrets = [
      WRONG,
      ...Object.values(env.secrets).flatMap((s) => Object.values(s as unknown as Record<string, unknown>)),
    ]
      .filter((value): value is string => typeof value === 'string' && value.length >= 16)
      .filter((value) => !value.startsWith('probe-'));
    expect(secrets.length).toBeGreaterThan(2);
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });
});
