/** Hand-made results for the formatter's unit tests (the process tests use real runs). */
import type { ProbeResult } from '../../../functions/engine/index.js';

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
    startedAt: '2026-11-22T03:00:00.000Z',
    durationMs: 412.3,
    exchanges: [
      {
        name: 'token',
        method: 'POST',
        url: 'https://auth.example.com/oauth/token',
        status: 200,
        timings: { dnsMs: 12, connectMs: 20, tlsMs: 35, firstByteMs: 110, totalMs: 180 },
        certDaysLeft: 61,
      },
      {
        name: 'list-invoices',
        method: 'GET',
        url: 'https://api.example.com/v1/invoices?limit=1',
        status: 200,
        timings: { dnsMs: 10, connectMs: 18, tlsMs: 30, firstByteMs: 80, totalMs: 150 },
        certDaysLeft: 40,
      },
    ],
    token: {
      type: 'Bearer',
      expiresIn: 300,
      scopes: ['billing:read'],
      format: 'jwt',
      reused: false,
      claims: { kid: 'k1', alg: 'RS256' },
    },
    warnings: [],
    ...overrides,
  };
}

export function failResult(overrides: Partial<ProbeResult> = {}): ProbeResult {
  return passResult({
    status: 'fail',
    stage: 'token',
    code: 'invalid_client',
    message: 'token endpoint answered 401 invalid_client',
    hint: 'The authorization server rejected the client credentials: was the secret rotated?',
    httpStatus: 401,
    durationMs: 95,
    exchanges: [
      {
        name: 'token',
        method: 'POST',
        url: 'https://auth.example.com/oauth/token',
        status: 401,
        timings: { connectMs: 2, tlsMs: 8, firstByteMs: 60, totalMs: 75 },
        code: 'invalid_client',
      },
    ],
    token: null,
    warnings: [{ code: 'cache_control_missing', message: 'the token response has no Cache-Control: no-store' }],
    ...overrides,
  });
}
