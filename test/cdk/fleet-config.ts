/**
 * A generated fleet config: N probes (one step each, degradedMs set, like the trial) in the
 * given regions, for the synth benchmark (bench/synth-child.ts: fleet-size synths are measured there,
 * not tested) and for tests at fleet size that do not synthesize (test/tools/cost-capacity.test.ts, plans).
 */
import type { ProbesConfigInput } from '../../functions/config/schema.js';

export const FLEET_REGIONS = ['eu-west-1', 'us-east-1', 'ap-southeast-2'];

export function fleetConfig(probes: number, regions: string[] = FLEET_REGIONS): ProbesConfigInput {
  return {
    homeRegion: regions[0],
    regions,
    defaults: { timeoutMs: 5000, degradedMs: 2000, schedule: 'rate(5 minutes)' },
    notifications: { warning: { emails: ['ops@example.com'] } },
    probes: Array.from({ length: probes }, (_, i) => {
      const name = `client-${String(i).padStart(4, '0')}`;
      return {
        name,
        description: `machine-to-machine client ${i} of the fleet`,
        tokenUrl: 'https://auth.example.com/oauth2/token',
        credentials: { secretId: `oauth-probe/${name}` },
        scope: 'invoices:read',
        runbookUrl: 'https://wiki.example.com/runbooks/oauth-clients',
        steps: [
          {
            name: 'list',
            request: { url: `https://api.example.com/v1/clients/${name}/invoices` },
            expect: { status: 200 },
          },
        ],
      };
    }),
  };
}
