/** Plain undici calls against the local servers: the tests prove the fixtures without the engine. */
import { randomUUID } from 'node:crypto';
import { importPKCS8, SignJWT } from 'jose';
import { type Dispatcher, request } from 'undici';
import type { ClientSecret } from '../../../functions/engine/index.js';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface JsonResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

/** POSTs a form to the token endpoint and parses the JSON answer. */
export async function tokenRequest(
  url: string,
  form: Record<string, string>,
  options: { headers?: Record<string, string>; dispatcher?: Dispatcher } = {},
): Promise<JsonResponse> {
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
    body: new URLSearchParams(form).toString(),
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
  });
  return {
    status: response.statusCode,
    headers: response.headers,
    body: (await response.body.json()) as Record<string, unknown>,
  };
}

export async function getJson(
  url: string,
  options: { headers?: Record<string, string>; dispatcher?: Dispatcher; method?: 'GET' | 'POST'; body?: string } = {},
): Promise<JsonResponse> {
  const response = await request(url, {
    method: options.method ?? 'GET',
    headers: options.headers ?? {},
    ...(options.body !== undefined ? { body: options.body } : {}),
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
  });
  const text = await response.body.text();
  return {
    status: response.statusCode,
    headers: response.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

/** RFC 6749 §2.3.1: form-encode id and secret, then Base64. */
export function basicAuthorization(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

/** An RFC 7523 client assertion for private_key_jwt, fresh jti each call. */
export async function clientAssertion(secret: ClientSecret, audience: string): Promise<string> {
  const alg = secret.algorithm ?? 'RS256';
  const key = await importPKCS8(secret.private_key!, alg);
  return new SignJWT({})
    .setProtectedHeader({ alg, ...(secret.key_id ? { kid: secret.key_id } : {}) })
    .setIssuer(secret.client_id)
    .setSubject(secret.client_id)
    .setAudience(audience)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime('2m')
    .sign(key);
}
