/**
 * The deployment the local AWS tier synthesizes and runs: two regions, the probes pointed at the local
 * authorization server and API (HTTPS, their CA in `tls.ca`), named email and HTTPS targets routed by
 * severity and per probe, and a probe that opts in to rotation tests. Who must hear of what is written
 * out here, from the routing rules of docs/configuration.md and docs/alarms.md, so the test checks the template's filter policies
 * against an expectation it did not derive from them.
 */
import type { ProbesConfigInput } from '../../functions/config/schema.js';
import type { LocalEnvironment } from '../../tools/local-servers/index.js';

export const HOME = 'eu-west-1';
export const OTHER = 'us-east-1';

export const SECRET_IDS = { billing: 'oauth-probe/billing', partner: 'oauth-probe/partner-sync' } as const;
/** The watchdog's heartbeat URL (home region): the test creates it, pointing at a local HTTPS server. */
export const HEARTBEAT_SECRET_ID = 'oauth-probe/heartbeat';

/** The endpoints of the notification topic's subscriptions, by target name. */
export const ENDPOINTS = {
  'ops-email': 'ops@example.com',
  'pager-hook': 'https://pager.example.com/oauth-probe',
  'partner-email': 'partner-team@example.com',
} as const;
export type TargetName = keyof typeof ENDPOINTS;

export function deploymentConfig(env: LocalEnvironment): ProbesConfigInput {
  const billing = env.probe('client_secret_basic', {
    name: 'billing-api',
    description: 'Billing calls the invoices API (local authorization server)',
    credentials: { secretId: SECRET_IDS.billing, rotationTest: true },
    runbookUrl: 'https://wiki.example.com/runbooks/billing',
  });
  const partner = env.probe('private_key_jwt', {
    name: 'partner-sync',
    description: 'Partner sync with a signed client assertion (local authorization server)',
    credentials: { secretId: SECRET_IDS.partner },
    regions: [HOME],
    page: 'any-region',
    owner: 'Partner integrations team',
    notify: { warning: ['partner-email'], critical: ['partner-email', 'pager-hook'] },
    runbookUrl: 'https://wiki.example.com/runbooks/partner',
  });
  return {
    homeRegion: HOME,
    regions: [HOME, OTHER],
    notifications: {
      targets: {
        'ops-email': { email: ENDPOINTS['ops-email'] },
        'pager-hook': { https: ENDPOINTS['pager-hook'] },
        'partner-email': { email: ENDPOINTS['partner-email'] },
      },
      warning: { targets: ['ops-email'] },
      critical: { targets: ['pager-hook'] },
      heartbeat: { urlSecretId: HEARTBEAT_SECRET_ID },
    },
    probes: [billing, partner] as ProbesConfigInput['probes'],
  };
}
