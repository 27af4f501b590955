import { describe, expect, it } from 'vitest';
import { type NotificationSecret, secretShapeProblem } from '../../../tools/cli/aws/notification-secrets.js';

const heartbeat: NotificationSecret = {
  secretId: 'hb',
  use: 'heartbeat URL of the watchdog',
  fields: ['url'],
  value: 'https-url',
};
const routingKey: NotificationSecret = {
  secretId: 'pd',
  use: 'PagerDuty routing key',
  fields: ['routingKey'],
  value: 'key',
};

describe('secretShapeProblem: what the reader of a notification secret could not use, never quoting it', () => {
  it.each([
    ['plain https URL', 'https://hc-ping.com/abc-123', undefined],
    ['JSON with url', JSON.stringify({ url: 'https://hc-ping.com/abc-123' }), undefined],
    ['empty', '  ', 'empty: store the URL as plain text or JSON with "url"'],
    ['plain http URL', 'http://hc-ping.com/abc-123', "an http URL: the service's https:// URL is needed"],
    ['not a URL', 'hc-ping.com/abc-123', 'not a URL: store the full https:// URL as plain text'],
    [
      'JSON, wrong field',
      JSON.stringify({ href: 'https://hc-ping.com/abc-123' }),
      'JSON without a string field "url": add it, or store the value as plain text',
    ],
    ['JSON, not a URL', JSON.stringify({ url: 'abc-123' }), 'not a URL: store the full https:// URL under "url"'],
  ])('heartbeat secret, %s', (_, text, problem) => {
    const found = secretShapeProblem(heartbeat, text);
    expect(found).toBe(problem);
    if (found) expect(found).not.toContain('abc-123');
  });

  it('takes any non-empty key, plain or under its field', () => {
    expect(secretShapeProblem(routingKey, 'R0UT1NGKEY')).toBeUndefined();
    expect(secretShapeProblem(routingKey, JSON.stringify({ routingKey: 'R0UT1NGKEY' }))).toBeUndefined();
    expect(secretShapeProblem(routingKey, JSON.stringify({ key: 'R0UT1NGKEY' }))).toBe(
      'JSON without a string field "routingKey": add it, or store the value as plain text',
    );
  });
});
