/** functions/engine/expiry-warnings.ts: what expires within alarms.expiryDaysThreshold, at its edges. */
import { describe, expect, it } from 'vitest';
import { expiryWarnings } from '../../functions/engine/expiry-warnings.js';
import type { Exchange } from '../../functions/engine/index.js';

const exchange = (url: string, certDaysLeft?: number): Exchange => ({
  name: 'token',
  method: 'POST',
  url,
  status: 200,
  timings: { totalMs: 10 },
  ...(certDaysLeft !== undefined ? { certDaysLeft } : {}),
});

describe('expiryWarnings', () => {
  it('warns from the day before the threshold down to the last day, not at it and not once expired', () => {
    const codes = (days: number) => expiryWarnings(14, days, []).map((w) => w.code);

    expect(codes(14)).toEqual([]);
    expect(codes(13)).toEqual(['credential_expiring']);
    expect(codes(0)).toEqual(['credential_expiring']);
    // Expired is a failure of its own (credentials_expired, tls_error), not a warning.
    expect(codes(-1)).toEqual([]);
    expect(expiryWarnings(14, undefined, [])).toEqual([]);
  });

  it('names each host once, with its soonest certificate', () => {
    const warnings = expiryWarnings(14, 1, [
      exchange('https://auth.example.com/oauth/token', 9),
      exchange('https://auth.example.com/.well-known/jwks.json', 9),
      exchange('https://api.example.com/v1/a', 30),
      exchange('https://api2.example.com/v1/b', 1),
      exchange('http://plain.example.com/v1/c'),
    ]);

    expect(warnings).toEqual([
      {
        code: 'credential_expiring',
        message: 'the client credential expires in 1 day (alarms.expiryDaysThreshold 14): rotate it before then',
      },
      {
        code: 'certificate_expiring',
        message:
          'the TLS certificate of auth.example.com expires in 9 days (alarms.expiryDaysThreshold 14): renew it before then',
      },
      {
        code: 'certificate_expiring',
        message:
          'the TLS certificate of api2.example.com expires in 1 day (alarms.expiryDaysThreshold 14): renew it before then',
      },
    ]);
  });
});
