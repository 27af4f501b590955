import { describe, expect, it } from 'vitest';
import { colourEnabled, palette, stripAnsi } from '../../../tools/cli/colour.js';
import { formatMs, formatResult, formatSummary, formatWaterfall } from '../../../tools/cli/format.js';
import { failResult, passResult } from './fixtures.js';

const plain = palette(false);

describe('formatResult', () => {
  it('prints one line for a passing probe', () => {
    // Arrange
    const result = passResult();

    // Act
    const text = formatResult(result, { palette: plain, nameWidth: 14 });

    // Assert
    expect(text).toBe('PASS      billing-api       412 ms\n');
  });

  it('shows the warnings of a passing probe on the lines under PASS, without --verbose', () => {
    const result = passResult({
      credentialDaysLeft: 2,
      warnings: [
        {
          code: 'credential_expiring',
          message: 'the client credential expires in 2 days (alarms.expiryDaysThreshold 14): rotate it before then',
        },
        { code: 'insecure_transport', message: 'http://api.example.com/v1 is plain http:// to a non-loopback host' },
      ],
    });

    const text = formatResult(result, { palette: plain, nameWidth: 14 });

    expect(text).toBe(
      [
        'PASS      billing-api       412 ms',
        '    warning    credential_expiring: the client credential expires in 2 days (alarms.expiryDaysThreshold 14): rotate it before then',
        '    warning    insecure_transport: http://api.example.com/v1 is plain http:// to a non-loopback host',
        '',
      ].join('\n'),
    );
    expect(formatSummary([result, passResult()], 500, plain)).toBe('2 probes: 2 passed (1 with warnings) in 500 ms\n');
  });

  it('says "token reused" on the line of a run that reused its token, and in the token details', () => {
    const reused = passResult({ token: { ...passResult().token!, reused: true } });

    const text = formatResult(reused, { palette: plain, nameWidth: 14, verbose: true });

    expect(text.split('\n')[0]).toBe('PASS      billing-api       412 ms  token reused');
    expect(text).toContain('    token      Bearer, jwt, reused from an earlier run, expires in 300 s');
  });

  it('prints stage, code, HTTP status, message, hint, warnings and the waterfall for a failure', () => {
    const text = formatResult(failResult(), { palette: plain });

    const lines = text.split('\n');
    expect(lines[0]).toBe('FAIL      billing-api     95 ms  token · invalid_client · HTTP 401');
    expect(text).toContain('    stage      token\n');
    expect(text).toContain('    code       invalid_client  HTTP 401\n');
    expect(text).toContain('    message    token endpoint answered 401 invalid_client\n');
    expect(text).toContain('    hint       The authorization server rejected the client credentials');
    expect(text).toContain('    warning    cache_control_missing: the token response has no Cache-Control: no-store');
    expect(text).toMatch(/request\s+status\s+DNS\s+connect\s+TLS\s+first byte\s+total/);
    expect(text).toMatch(/token\s+401\s+–\s+2 ms\s+8 ms\s+60 ms\s+75 ms\s+▒▓+█+─*\s+✗ invalid_client/);
  });

  it('names the step of an API failure', () => {
    const result = failResult({ stage: 'api', step: 'list-invoices', code: 'insufficient_scope', httpStatus: 403 });

    const text = formatResult(result, { palette: plain });

    expect(text.split('\n')[0]).toContain('api (step list-invoices) · insufficient_scope · HTTP 403');
    expect(text).toContain('    stage      api, step list-invoices\n');
  });

  it('shows a degraded run in its own verdict with the slow stage', () => {
    const result = passResult({ status: 'degraded', stage: 'token', code: 'slow_response', httpStatus: 200 });

    const text = formatResult(result, { palette: plain });

    expect(text.split('\n')[0]).toBe('DEGRADED  billing-api    412 ms  token · slow_response · HTTP 200');
  });

  it('shows details and every exchange of a passing probe only when verbose', () => {
    const text = formatResult(passResult(), { palette: plain, verbose: true });

    expect(text).toContain('token      Bearer, jwt, expires in 300 s, scopes billing:read, kid k1, RS256');
    expect(text).toMatch(/list-invoices\s+200\s+10 ms\s+18 ms\s+30 ms\s+80 ms\s+150 ms/);
  });

  it('colours the verdict only when the palette is enabled', () => {
    const coloured = formatResult(failResult(), { palette: palette(true) });
    const uncoloured = formatResult(failResult(), { palette: plain });

    expect(coloured).toContain('\x1b[31m');
    expect(uncoloured).not.toContain('\x1b[');
    expect(stripAnsi(coloured)).toBe(uncoloured);
  });
});

describe('formatWaterfall', () => {
  it('places each request after the previous one on one time axis, the bars padded to one width', () => {
    const lines = formatWaterfall(passResult().exchanges, { palette: plain, barWidth: 20 });

    const [token, list] = [lines[1]!, lines[2]!];
    const bar = (line: string) => /\d ms {2}([ ░▒▓█─]+?) {2}cert/.exec(line)?.[1] ?? '';
    // 180 ms then 150 ms of 330 ms on 20 cells: DNS 12, connect 20, TLS 35, first byte 110 → 1, 1, 2, 7 cells.
    expect(bar(token).trimEnd()).toBe('░▒▓▓███████');
    expect(bar(list).indexOf('░')).toBe(11);
    expect(bar(token).length).toBe(20);
    expect(bar(list).length).toBe(20);
    expect(lines.at(-1)).toContain('░ DNS  ▒ connect  ▓ TLS  █ first byte  ─ download');
  });

  it('draws the time of a request that got no answer as the phase that never completed', () => {
    const exchange = {
      name: 'list-invoices',
      method: 'GET',
      url: 'https://api.example.com/v1/invoices',
      status: null,
      timings: { totalMs: 40 },
      code: 'connection_refused' as const,
    };

    const lines = formatWaterfall([exchange], { palette: plain, barWidth: 10 });

    expect(lines[1]).toMatch(/list-invoices\s+–\s+–\s+–\s+–\s+–\s+40 ms\s+▒{10}\s+✗ connection_refused/);
  });
});

describe('formatSummary', () => {
  it('counts passed, degraded and failed probes', () => {
    const results = [passResult(), passResult({ status: 'degraded' }), failResult()];

    expect(formatSummary(results, 1234, plain)).toBe('3 probes: 1 passed, 1 degraded, 1 failed in 1234 ms\n');
  });
});

describe('formatMs', () => {
  it('keeps one decimal below 10 ms and switches to seconds from 10 s', () => {
    expect([formatMs(2.54), formatMs(3), formatMs(412.4), formatMs(9999), formatMs(12_345)]).toEqual([
      '2.5 ms',
      '3 ms',
      '412 ms',
      '9999 ms',
      '12.3 s',
    ]);
  });
});

describe('colourEnabled', () => {
  it('colours a TTY, not a pipe', () => {
    expect(colourEnabled({ isTTY: true }, {})).toBe(true);
    expect(colourEnabled({ isTTY: false }, {})).toBe(false);
  });

  it('honours NO_COLOR on a TTY and FORCE_COLOR on a pipe', () => {
    expect(colourEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colourEnabled({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(colourEnabled({ isTTY: true }, { FORCE_COLOR: '0' })).toBe(false);
  });

  it('ignores an empty NO_COLOR and colours nothing on a dumb terminal', () => {
    expect(colourEnabled({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(colourEnabled({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
  });
});
