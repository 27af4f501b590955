import { describe, expect, it } from 'vitest';
import { identityProviderOf, providerOfHost } from '../../functions/config/identity-provider.js';

describe('identityProviderOf', () => {
  it.each([
    ['https://tenant.auth0.com/oauth/token', 'Auth0'],
    ['https://tenant.eu.auth0.com/oauth/token', 'Auth0'],
    ['https://example.okta.com/oauth2/default/v1/token', 'Okta'],
    ['https://example.oktapreview.com/oauth2/aus1/v1/token', 'Okta'],
    ['https://example.okta-emea.com/oauth2/default/v1/token', 'Okta'],
    ['https://login.microsoftonline.com/tenant-id/oauth2/v2.0/token', 'Microsoft Entra ID'],
    ['https://contoso.ciamlogin.com/tenant-id/oauth2/v2.0/token', 'Microsoft Entra ID'],
    ['https://my-domain.auth.eu-west-1.amazoncognito.com/oauth2/token', 'Amazon Cognito'],
  ])('recognises %s by its host as %s', (tokenUrl, name) => {
    expect(identityProviderOf({ tokenUrl })).toMatchObject({ name, recognisedBy: 'host' });
  });

  it('recognises Keycloak by its realm path, on the token endpoint or the issuer', () => {
    expect(
      identityProviderOf({ tokenUrl: 'https://sso.example.com/realms/acme/protocol/openid-connect/token' }),
    ).toMatchObject({ name: 'Keycloak', recognisedBy: 'path' });
    expect(identityProviderOf({ issuer: 'https://sso.example.com/auth/realms/acme' })).toMatchObject({
      name: 'Keycloak',
    });
  });

  it('recognises an Auth0 custom domain by the discovery metadata, or by /oauth/token with an audience', () => {
    const tokenUrl = 'https://login.example.com/oauth/token';

    expect(
      identityProviderOf({ tokenUrl, metadata: { mfa_challenge_endpoint: 'https://login.example.com/mfa/challenge' } }),
    ).toMatchObject({ name: 'Auth0', recognisedBy: 'metadata' });
    expect(identityProviderOf({ tokenUrl, tokenParams: { audience: 'https://api.example.com' } })).toMatchObject({
      name: 'Auth0',
      recognisedBy: 'request',
    });
    expect(identityProviderOf({ tokenUrl })).toBeUndefined();
    expect(
      identityProviderOf({ tokenUrl: 'https://login.example.com/token', tokenParams: { audience: 'x' } }),
    ).toBeUndefined();
  });

  it('does not take a look-alike host for the provider', () => {
    expect(providerOfHost('auth0.com.evil.example')).toBeUndefined();
    expect(providerOfHost('notokta.com')).toBeUndefined();
    expect(providerOfHost('TENANT.AUTH0.COM.')).toBe('Auth0');
    expect(identityProviderOf({ tokenUrl: 'not a url' })).toBeUndefined();
  });

  it('gives each provider the quota to look at', () => {
    expect(identityProviderOf({ tokenUrl: 'https://t.auth0.com/oauth/token' })?.quota).toContain(
      'free plan: 1,000 a month, then denied until the month resets',
    );
    expect(identityProviderOf({ tokenUrl: 'https://x.okta.com/oauth2/default/v1/token' })?.quota).toContain(
      'X-Rate-Limit-Remaining',
    );
    expect(identityProviderOf({ tokenUrl: 'https://login.microsoftonline.com/t/oauth2/v2.0/token' })?.quota).toContain(
      'Retry-After: 60',
    );
  });
});
