/**
 * Fail-open detection (`steps[].rejects`): after a step passes, its request is sent again once per
 * variant of a token the API must refuse. A 2xx is a security finding (`accepts_invalid_token`): the API
 * is not validating bearer tokens (a middleware removed in a refactor, a gateway rule turned off, `alg`
 * not pinned). The variants go to the step's own URL only (no redirect is followed), and every variant
 * token is registered with the redactor, so neither the real token nor a derivative of it reaches a message.
 */
import { randomBytes } from 'node:crypto';
import { DEFAULT_REJECT_STATUS, type RejectVariant } from '../config/defaults.js';
import type { StepConfig } from '../config/schema.js';
import type { RunContext } from './context.js';
import { authorizationHeaders } from './dpop.js';
import { ProbeFailure } from './failure.js';

/** The step's request as first sent (after templating, before any redirect). */
export interface StepRequest {
  url: string;
  method: string;
  /** Without `authorization`: each variant sets its own. */
  headers: Record<string, string>;
  body?: string;
}

const WHAT_IT_SENDS: Record<RejectVariant, string> = {
  missing_token: 'no Authorization header',
  garbage_token: 'a random opaque bearer token',
  tampered_signature: 'the real JWT with one signature byte flipped',
  alg_none: 'the real JWT re-encoded with alg "none" and no signature',
};

export async function checkRejects(ctx: RunContext, step: StepConfig, request: StepRequest, accessToken: string) {
  const variants = step.rejects ?? [];
  if (variants.length === 0) return;
  const target = `API step "${step.name}"`;
  const refused = rejectStatuses(step);
  const notApplicable: RejectVariant[] = [];
  for (const variant of variants) {
    const token = variantToken(variant, accessToken);
    if (token === null) {
      notApplicable.push(variant);
      continue;
    }
    // A derivative of the real token is as sensitive as the token: keep it out of every message.
    if (token !== undefined) ctx.redactor.add(token);
    const headers = { ...request.headers };
    // The variant is presented as the real token would be (Bearer, or DPoP with a valid proof for it), so
    // that only the token's validity differs.
    if (token !== undefined) Object.assign(headers, await authorizationHeaders(ctx, token, request));
    const { response, exchange } = await ctx.send({
      stage: 'api',
      target,
      step: step.name,
      name: `${step.name}:${variant}`,
      method: request.method,
      url: request.url,
      headers,
      ...(request.body !== undefined ? { body: request.body } : {}),
      ...(step.timeoutMs ? { timeoutMs: step.timeoutMs } : {}),
      // A refusal's speed says nothing about the API's health: never a degraded verdict.
      degradedMs: Number.POSITIVE_INFINITY,
    });
    if (response.status >= 200 && response.status < 300) {
      const detail = `the "${variant}" variant (${WHAT_IT_SENDS[variant]}) got ${response.status}`;
      throw new ProbeFailure(
        'api',
        'accepts_invalid_token',
        `${target} ${request.method} ${exchange.url} accepted ${WHAT_IT_SENDS[variant]} with ${response.status}, expected ${refused.join(' or ')} (rejects: ${variant})`,
        { step: step.name, target, exchange, httpStatus: response.status, detail },
      );
    }
    if (!refused.includes(response.status)) {
      ctx.warn(
        'reject_status_unexpected',
        `${target}: the "${variant}" variant was refused with ${response.status}, not ${refused.join(' or ')} (set rejectStatus if this is documented)`,
      );
    }
  }
  if (notApplicable.length > 0) {
    ctx.warn(
      'reject_not_applicable',
      `${target}: rejects ${notApplicable.join(', ')} need a JWT access token; this token is opaque, so they were not sent`,
    );
  }
}

function rejectStatuses(step: StepConfig): number[] {
  const status = step.rejectStatus;
  if (status === undefined) return [DEFAULT_REJECT_STATUS];
  return Array.isArray(status) ? status : [status];
}

/**
 * The bearer token a variant sends: undefined for none at all, null when the variant does not apply
 * (the JWT variants with an opaque access token).
 */
export function variantToken(variant: RejectVariant, accessToken: string): string | undefined | null {
  switch (variant) {
    case 'missing_token':
      return undefined;
    case 'garbage_token':
      return randomBytes(32).toString('base64url');
    case 'tampered_signature': {
      const jws = splitJws(accessToken);
      if (!jws || jws.signature.length === 0) return null;
      const signature = Buffer.from(jws.signature, 'base64url');
      const at = Math.floor(signature.length / 2);
      signature[at] = signature[at]! ^ 0xff;
      return `${jws.header}.${jws.payload}.${signature.toString('base64url')}`;
    }
    case 'alg_none': {
      const jws = splitJws(accessToken);
      if (!jws) return null;
      const header = { ...jws.decodedHeader, alg: 'none' };
      return `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${jws.payload}.`;
    }
  }
}

function splitJws(token: string) {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [header, payload, signature] = parts as [string, string, string];
  try {
    const decodedHeader: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    if (typeof decodedHeader !== 'object' || decodedHeader === null || Array.isArray(decodedHeader)) return null;
    if (typeof (decodedHeader as { alg?: unknown }).alg !== 'string') return null;
    return { header, payload, signature, decodedHeader: decodedHeader as Record<string, unknown> };
  } catch {
    return null;
  }
}
