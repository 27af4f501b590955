import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

describe('oauth-probe notify-preview', () => {
  it('prints every channel a critical of billing-api goes to, secrets as their ids', async () => {
    const { code, stdout } = await runCli(['notify-preview', '--probe', 'billing-api', '--code', 'invalid_client']);

    expect(code).toBe(0);
    expect(stdout).toContain('subject: [CRITICAL] billing-api failing in 2 regions: token invalid_client');
    expect(stdout).toContain('── oncall (pagerDuty) POST https://events.pagerduty.com/v2/enqueue');
    expect(stdout).toContain('"routing_key": "<routing key from secret oauth-probe/pagerduty-routing-key>"');
    expect(stdout).toContain('── platform-slack (slack) POST <webhook URL from secret oauth-probe/slack-webhook>');
    expect(stdout).toContain('── platform-email (email)');
    expect(stdout).toContain('Owner:         Billing platform team (#billing-oncall)');
  });

  it('pages a single-region probe with page "any-region", and shows only the channel asked for', async () => {
    const { code, stdout } = await runCli(['notify-preview', '--probe', 'partner-sync', '--channel', 'partner-teams']);

    expect(code).toBe(0);
    // Every alarm of the probe from the plan, with its severity and targets, before the sample.
    expect(stdout).toMatch(/^ {2}Availability\s+critical\s+oncall, partner-teams\s+\(eu-west-1\)$/m);
    expect(stdout).toMatch(/^ {2}BurnTicket\s+warning\s+partner-teams\s+\(eu-west-1\)$/m);
    expect(stdout).toContain('sample: availability critical ALARM → oncall, partner-teams');
    expect(stdout).toContain('"contentType": "application/vnd.microsoft.card.adaptive"');
    expect(stdout).not.toContain('── oncall');
  });

  it('previews the PagerDuty resolve of the same dedup_key', async () => {
    const { stdout } = await runCli([
      'notify-preview',
      '--probe',
      'billing-api',
      '--channel',
      'pagerDuty',
      '--state',
      'OK',
    ]);

    expect(stdout).toContain('"event_action": "resolve"');
    expect(stdout).toContain('"dedup_key": "oauth-probe/billing-api/critical/global"');
  });

  it('exits 2 naming the probes when the probe is unknown', async () => {
    const { code, stderr } = await runCli(['notify-preview', '--probe', 'nope']);

    expect(code).toBe(2);
    expect(stderr).toContain('no probe "nope" in the config (probes: billing-api, partner-sync)');
  });
});
