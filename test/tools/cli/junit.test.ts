import { describe, expect, it } from 'vitest';
import type { ProbeResult } from '../../../functions/engine/index.js';
import { failureMessage, formatJunit, xmlText } from '../../../tools/cli/junit.js';
import { passResult } from './fixtures.js';

const base: ProbeResult = passResult({
  startedAt: '2026-12-01T20:00:00.000Z',
  durationMs: 123.4,
  exchanges: [],
  token: null,
});

const failed: ProbeResult = {
  ...base,
  probe: 'orders <eu> & "co"',
  status: 'fail',
  stage: 'token',
  code: 'invalid_client',
  message: 'token endpoint answered 401 invalid_client: "bad" <client> & \u0001more',
  hint: "the client secret was rotated or is wrong: check the secret's client_secret",
  httpStatus: 401,
};

const degraded: ProbeResult = {
  ...base,
  probe: 'slow',
  status: 'degraded',
  stage: 'api',
  step: 'list',
  code: 'slow_response',
  message: 'step list took 2100 ms',
  hint: 'the API is slow',
  warnings: [{ code: 'cache_control_missing', message: 'no Cache-Control on the token response' }],
};

function report(results: ProbeResult[]) {
  return formatJunit(results, { durationMs: 2500, timestamp: '2026-12-01T20:00:00.000Z' });
}

describe('JUnit reporter', () => {
  it('escapes the five XML specials, newlines in attributes, and replaces characters XML cannot carry', () => {
    expect(xmlText(`a<b>&"c'\n\u0001\uD800`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;&#10;\uFFFD\uFFFD');
  });

  it('has one test case per probe and counts failures', () => {
    const xml = report([base, failed, degraded]);
    expect(
      xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="oauth-probe" tests="3" failures="1"'),
    ).toBe(true);
    expect(xml.match(/<testcase /g)).toHaveLength(3);
    expect(xml).toContain('<testcase name="billing-api" classname="oauth-probe" time="0.123"/>');
    expect(xml.match(/<failure /g)).toHaveLength(1);
  });

  it('puts stage, code and hint in the failure message, all escaped', () => {
    const xml = report([failed]);
    expect(failureMessage(failed)).toBe(`token invalid_client: ${failed.hint}`);
    expect(xml).toContain('<testcase name="orders &lt;eu&gt; &amp; &quot;co&quot;"');
    expect(xml).toContain(
      'message="token invalid_client: the client secret was rotated or is wrong: check the secret&apos;s client_secret" type="invalid_client">',
    );
    expect(xml).toContain('&quot;bad&quot; &lt;client&gt; &amp; \uFFFDmore\nHTTP 401');
    // Nothing unescaped slipped through: every & starts an entity, no raw < outside tags.
    expect(xml.replace(/&(amp|lt|gt|quot|apos|#\d+);/g, '')).not.toContain('&');
    expect(xml).not.toContain('\u0001');
  });

  it('lets a degraded probe pass and says why in system-out, with its step and warnings', () => {
    const xml = report([degraded]);
    expect(xml).not.toContain('<failure');
    expect(xml).toContain('<system-out>degraded: api step list slow_response: the API is slow\nstep list took 2100 ms');
    expect(xml).toContain('warning: no Cache-Control on the token response</system-out>');
  });
});
