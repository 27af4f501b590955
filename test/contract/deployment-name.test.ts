/** Deployment names: the one alarm-naming function and its inverse, across deployments. */
import { describe, expect, it } from 'vitest';
import { type AlarmIdentity, alarmName, parseAlarmName } from '../../functions/contract/alarm-naming.js';
import {
  defaultNamespace,
  deploymentNameProblem,
  deploymentStackName,
} from '../../functions/contract/deployment-name.js';

describe('alarm names across deployments', () => {
  const identities: AlarmIdentity[] = [
    { probe: 'billing-api', kind: 'availability', region: 'eu-west-1' },
    { probe: 'billing-api', kind: 'global' },
    { deployment: 'staging', probe: 'billing-api', kind: 'stopped', region: 'us-gov-west-1' },
    { deployment: 'a-b', probe: 'c', kind: 'latency', region: 'eu-west-1' },
    { deployment: 'a', probe: 'b-c', kind: 'latency', region: 'eu-west-1' },
    { deployment: 'OAuthProbe-x', probe: 'p_1', kind: 'global' },
  ];

  it('parses every name back to the identity it was built from', () => {
    for (const identity of identities) expect(parseAlarmName(alarmName(identity))).toEqual(identity);
  });

  it('keeps the default deployment’s names, with or without the default name given', () => {
    expect(alarmName({ probe: 'p', kind: 'expiry', region: 'eu-west-1' })).toBe('OAuthProbe-p-eu-west-1-Expiry');
    expect(alarmName({ deployment: 'oauth-probe', probe: 'p', kind: 'global' })).toBe('OAuthProbe-p-Global');
    expect(parseAlarmName('OAuthProbe-p-Global')).toEqual({ probe: 'p', kind: 'global' });
  });

  it('never gives two deployments the same alarm name', () => {
    const names = identities.map(alarmName);
    expect(new Set(names).size).toBe(names.length);
  });

  it('ignores alarms that are not ours', () => {
    expect(parseAlarmName('someone.else')).toBeUndefined();
    expect(parseAlarmName('has space.p-eu-west-1-Availability')).toBeUndefined();
    expect(parseAlarmName('CPUHigh')).toBeUndefined();
  });
});

describe('deployment names', () => {
  it('accepts letters, digits and hyphens, and reserves the default deployment’s base', () => {
    expect(deploymentNameProblem('staging-2')).toBeUndefined();
    expect(deploymentNameProblem('oauth-probe')).toBeUndefined();
    expect(deploymentNameProblem('has_underscore')).toMatch(/letters, digits and "-"/);
    expect(deploymentNameProblem('oauthprobe')).toMatch(/default deployment/);
    expect(deploymentNameProblem('trailing-')).toMatch(/must not end/);
  });

  it('derives stack names and the namespace, keeping the default’s', () => {
    expect(deploymentStackName(undefined, 'eu-west-1')).toBe('OAuthProbe-eu-west-1');
    expect(deploymentStackName('staging', 'eu-west-1')).toBe('staging-eu-west-1');
    expect(defaultNamespace('oauth-probe')).toBe('OAuthProbe');
    expect(defaultNamespace('staging')).toBe('OAuthProbe/staging');
  });
});
