/** Sample probe results, in the shape the engine produces them, for the runtime's unit tests. */
import type { ProbeResult } from '../../functions/engine/index.js';

export const SCHEDULED = new Date('2026-11-22T07:05:00.000Z');

export function passResult(overrides: Partial<ProbeResult> = {}): ProbeResult {
  return {
    probe: 'billing-api',
    status: 'pass',
    stage: null,
    step: null,
    code: null,
    message: null,
    hint: null,
    httpStatus: null,
    startedAt: '2026-11-22T07:05:00.120Z',
    durationMs: 412,
    exchanges: [
      {
        name: 'token',
        method: 'POST',
        url: 'https://auth.example.com/oauth2/token',
        status: 200,
        timings: { dnsMs: 3, connectMs: 10, tlsMs: 30, firstByteMs: 120, totalMs: 180.44 },
        certDaysLeft: 80,
      },
      {
        name: 'list-invoices',
        method: 'GET',
        url: 'https://api.example.com/v1/invoices?limit=1',
        status: 200,
        timings: { totalMs: 150 },
        certDaysLeft: 45,
      },
    ],
    token: { type: 'Bearer', expiresIn: 3600, scopes: ['billing:read'], format: 'jwt', reused: false },
    warnings: [],
    credentialDaysLeft: 200,
    ...overrides,
  };
}

export function degradedResult(): ProbeResult {
  return passResult({
    status: 'degraded',
    stage: 'api',
    step: 'list-invoices',
    code: 'slow_response',
    message:
      'API step "list-invoices" GET https://api.example.com/v1/invoices?limit=1 took 2100 ms, over degradedMs 1500 ms',
    hint: 'the API is slow',
    httpStatus: 200,
  });
}

export function failResult(overrides: Partial<ProbeResult> = {}): ProbeResult {
  return passResult({
    status: 'fail',
    stage: 'token',
    step: null,
    code: 'invalid_client',
    message: 'token endpoint answered 401 invalid_client',
    hint: 'the client secret was rejected: check that credentials.secretId holds the current secret.',
    httpStatus: 401,
    durationMs: 230,
    exchanges: [
      {
        name: 'token',
        method: 'POST',
        url: 'https://auth.example.com/oauth2/token',
        status: 401,
        timings: { totalMs: 95 },
        certDaysLeft: 80,
        code: 'invalid_client',
      },
    ],
    token: null,
    ...overrides,
  });
}
