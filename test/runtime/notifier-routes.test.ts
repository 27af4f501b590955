/**
 * The notifier reads its routing table from the file the CDK app ships in a Lambda layer
 * (NOTIFY_ROUTES_FILE), once per container, and fills the deployment's chat topic in for Chatbot targets
 * that name none.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NOTIFIER_ENV } from '../../functions/contract/environment.js';
import { notifierSettingsFromEnv } from '../../functions/runtime/notifier/alarm-change.js';

const routes = {
  targets: { chat: { kind: 'chatbot' }, own: { kind: 'chatbot', topicArn: 'arn:aws:sns:eu-west-1:1:team' } },
  defaults: { warning: ['chat'], critical: ['chat'] },
  probes: { 'billing-api': { owner: 'Billing' } },
};

function routesFile(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'routes-')), 'routes.json');
  writeFileSync(path, JSON.stringify(routes));
  return path;
}

const env = (extra: Record<string, string>) => ({
  AWS_REGION: 'eu-west-1',
  [NOTIFIER_ENV.notificationTopicArn]: 'arn:aws:sns:eu-west-1:1:oauth-probe-notifications',
  ...extra,
});

describe('notifierSettingsFromEnv: the routing table', () => {
  it('reads the file named by NOTIFY_ROUTES_FILE and gives chat targets without a topic the chat topic', () => {
    const settings = notifierSettingsFromEnv(
      env({
        [NOTIFIER_ENV.notifyRoutesFile]: routesFile(),
        [NOTIFIER_ENV.chatTopicArn]: 'arn:aws:sns:eu-west-1:1:oauth-probe-chat',
      }),
      NOTIFIER_ENV,
    );

    expect(settings.routes?.targets.chat).toEqual({
      kind: 'chatbot',
      topicArn: 'arn:aws:sns:eu-west-1:1:oauth-probe-chat',
    });
    expect(settings.routes?.targets.own).toEqual({ kind: 'chatbot', topicArn: 'arn:aws:sns:eu-west-1:1:team' });
    expect(settings.routes?.probes['billing-api']).toEqual({ owner: 'Billing' });
  });

  it('still reads NOTIFY_ROUTES from the environment (deployments from before the file)', () => {
    const settings = notifierSettingsFromEnv(
      env({ [NOTIFIER_ENV.notifyRoutes]: JSON.stringify(routes) }),
      NOTIFIER_ENV,
    );

    expect(settings.routes?.defaults.warning).toEqual(['chat']);
  });

  it('fails (its own failure: retried, dead-lettered) when the file cannot be read', () => {
    expect(() =>
      notifierSettingsFromEnv(env({ [NOTIFIER_ENV.notifyRoutesFile]: '/nonexistent/routes.json' }), NOTIFIER_ENV),
    ).toThrow(/ENOENT/);
  });
});
