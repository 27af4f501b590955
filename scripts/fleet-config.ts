/**
 * A generated fleet config: N probes of one step each (degradedMs set, `rate(5 minutes)`), as a large
 * fleet writes them. One generator for every user of a fleet: the synth benchmark (bench/synth-child.ts,
 * figure 7), the CloudFormation lint matrix (scripts/lint-cfn/matrix.ts) and the tests at fleet size
 * that do not synthesize (test/tools/cost-capacity.test.ts).
 *
 * With `ownRoutes`, every probe routes its own alerts, as a platform team's fleet does: its own `owner`,
 * `runbookUrl`, `notify` (its team's chat for warnings, its team's pager for pages) and `page` rule (the
 * three rules in turn). That is the fleet that once could not deploy (one routing entry per probe in
 * the notifier's environment, issue 22); the routing table now travels in a layer file.
 */
import type { ProbesConfigInput } from '../functions/config/schema.js';

export const FLEET_REGIONS = ['eu-west-1', 'us-east-1', 'ap-southeast-2'];

/** Teams the probes of an `ownRoutes` fleet belong to (each with a chat and a pager target). */
const TEAMS = 25;
const PAGE_RULES = ['global', 'any-region', 'never'] as const;

export interface FleetOptions {
  /** Every probe with its own owner, runbook, targets and page rule (see above). @default false */
  ownRoutes?: boolean;
}

export function fleetConfig(
  probes: number,
  regions: string[] = FLEET_REGIONS,
  options: FleetOptions = {},
): ProbesConfigInput {
  const team = (i: number) => `team-${String(i % TEAMS).padStart(2, '0')}`;
  return {
    homeRegion: regions[0],
    regions,
    defaults: { timeoutMs: 5000, degradedMs: 2000, schedule: 'rate(5 minutes)' },
    notifications: options.ownRoutes
      ? {
          targets: Object.fromEntries(
            Array.from({ length: TEAMS }, (_, i) => [
              [`${team(i)}-chat`, { slack: { webhookSecretId: `oauth-probe/slack/${team(i)}` } }],
              [`${team(i)}-pager`, { pagerDuty: { routingKeySecretId: `oauth-probe/pagerduty/${team(i)}` } }],
            ]).flat(),
          ),
          warning: { emails: ['ops@example.com'] },
          critical: { emails: ['oncall@example.com'] },
        }
      : { warning: { emails: ['ops@example.com'] } },
    probes: Array.from({ length: probes }, (_, i) => {
      const name = `client-${String(i).padStart(4, '0')}`;
      return {
        name,
        description: `machine-to-machine client ${i} of the fleet`,
        tokenUrl: 'https://auth.example.com/oauth2/token',
        credentials: { secretId: `oauth-probe/${name}` },
        scope: 'invoices:read',
        steps: [
          {
            name: 'list',
            request: { url: `https://api.example.com/v1/clients/${name}/invoices` },
            expect: { status: 200 },
          },
        ],
        ...(options.ownRoutes
          ? {
              owner: `${team(i)} (#${team(i)}-oncall)`,
              runbookUrl: `https://wiki.example.com/runbooks/oauth-clients/${name}`,
              notify: { warning: [`${team(i)}-chat`], critical: [`${team(i)}-pager`] },
              page: PAGE_RULES[i % PAGE_RULES.length],
            }
          : { runbookUrl: 'https://wiki.example.com/runbooks/oauth-clients' }),
      };
    }),
  };
}
