/**
 * API steps: each request carries the bearer token; responses are checked against `expect`; values
 * are extracted for later steps. Redirects are followed only when asked, and never to another origin
 * (the bearer token must not cross origins).
 */
import type { StepConfig } from '../config/schema.js';
import { classifyApiStatus, parseBearerChallenge, retryAfterSeconds } from './classify.js';
import type { RunContext } from './context.js';
import { authorizationHeaders, isDpopRefusal, usesDpop } from './dpop.js';
import { ProbeFailure } from './failure.js';
import type { HttpResponse } from './http.js';
import { JsonPathError, jsonEquals, resolvePath } from './json-path.js';
import { oneLine, showValue } from './redact.js';
import { checkRejects, type StepRequest } from './rejects.js';
import { headerProblem } from './request-check.js';
import type { Exchange } from './result.js';
import {
  fill,
  fillBody,
  fillJson,
  fillUrl,
  stringifyExtracted,
  TemplateError,
  TemplateValueError,
} from './template.js';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

export async function runSteps(ctx: RunContext, accessToken: string): Promise<void> {
  const vars: Record<string, string> = {};
  for (const step of ctx.probe.steps) {
    await runStep(ctx, step, accessToken, vars);
  }
}

async function runStep(ctx: RunContext, step: StepConfig, accessToken: string, vars: Record<string, string>) {
  const target = `API step "${step.name}"`;
  const assertion = (message: string, detail: string, extra: { exchange?: Exchange; httpStatus?: number } = {}) =>
    new ProbeFailure('api', 'assertion_failed', ctx.redactor.redact(message), {
      step: step.name,
      target,
      detail: ctx.redactor.redact(detail),
      ...extra,
    });

  let url: string;
  let headers: Record<string, string>;
  let body: string | undefined;
  try {
    url = fillUrl(step.request.url, vars);
    headers = Object.fromEntries(
      Object.entries(step.request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), fill(v, vars)]),
    );
    for (const [name, value] of Object.entries(headers)) {
      const problem = headerProblem(name, value);
      if (problem) throw new TemplateValueError(`${problem}, from an extracted value`);
    }
    const raw = step.request.body;
    if (raw !== undefined) {
      if (typeof raw === 'string') body = fillBody(raw, vars, headers['content-type']);
      else {
        body = JSON.stringify(fillJson(raw, vars));
        headers['content-type'] ??= 'application/json';
      }
    }
  } catch (error) {
    if (error instanceof TemplateError || error instanceof TemplateValueError) {
      throw assertion(`step "${step.name}": ${error.message}`, error.message);
    }
    throw error;
  }
  headers.accept ??= 'application/json';
  const firstRequest: StepRequest = { url, method: step.request.method, headers: { ...headers } };
  if (body !== undefined) firstRequest.body = body;

  let method: string = step.request.method;
  let response: HttpResponse;
  let exchange: Exchange;
  for (let hop = 0; ; hop++) {
    Object.assign(headers, await authorizationHeaders(ctx, accessToken, { method, url }));
    ({ response, exchange } = await ctx.send({
      stage: 'api',
      target,
      step: step.name,
      name: step.name,
      method,
      url,
      headers,
      ...(body !== undefined ? { body } : {}),
      ...(step.timeoutMs ? { timeoutMs: step.timeoutMs } : {}),
      ...(step.degradedMs ? { degradedMs: step.degradedMs } : {}),
    }));
    const location = response.headers.location;
    if (!step.request.followRedirects || !REDIRECTS.has(response.status) || !location) break;
    if (expectedStatuses(step).includes(response.status)) break;
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      throw new ProbeFailure(
        'api',
        'unexpected_status',
        `${target}: ${response.status} redirect with an invalid Location not followed`,
        { step: step.name, target, exchange, httpStatus: response.status, detail: 'a redirect to an invalid Location' },
      );
    }
    if (next.origin !== new URL(url).origin) {
      throw new ProbeFailure(
        'api',
        'unexpected_status',
        `${target}: ${response.status} redirect to another origin (${next.origin}) not followed: the bearer token never crosses origins`,
        { step: step.name, target, exchange, httpStatus: response.status, detail: 'a cross-origin redirect' },
      );
    }
    if (hop + 1 > MAX_REDIRECTS) {
      throw new ProbeFailure('api', 'unexpected_status', `${target}: more than ${MAX_REDIRECTS} redirects`, {
        step: step.name,
        target,
        exchange,
        httpStatus: response.status,
        detail: 'too many redirects',
      });
    }
    if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
      method = 'GET';
      body = undefined;
      delete headers['content-type'];
    }
    url = next.toString();
  }

  const expected = expectedStatuses(step);
  const statusOk =
    expected.length > 0 ? expected.includes(response.status) : response.status >= 200 && response.status < 300;
  if (!statusOk) {
    const code =
      usesDpop(ctx) && isDpopRefusal(undefined, response.headers['www-authenticate'])
        ? 'dpop_rejected'
        : classifyApiStatus(response.status, response.headers);
    const challenge = parseBearerChallenge(response.headers['www-authenticate']);
    const retryAfterSec = retryAfterSeconds(response.headers['retry-after'], ctx.deps.clock.now());
    let message = `${target} ${method} ${exchange.url} answered ${response.status}, expected ${expected.length > 0 ? expected.join(' or ') : '2xx'}`;
    if (challenge?.error) message += `; WWW-Authenticate error="${ctx.quote(challenge.error, 60)}"`;
    if (challenge?.error_description) message += ` (${ctx.quote(challenge.error_description, 160)})`;
    const detail =
      code === 'insufficient_scope' && challenge?.scope
        ? `it asks for scope "${ctx.quote(challenge.scope, 120)}"`
        : `expected ${expected.length > 0 ? expected.join(' or ') : '2xx'}`;
    throw new ProbeFailure('api', code, ctx.redactor.redact(message), {
      step: step.name,
      target,
      exchange,
      httpStatus: response.status,
      detail: ctx.redactor.redact(detail),
      ...(retryAfterSec !== undefined ? { retryAfterSec } : {}),
    });
  }

  const expect = step.expect;
  const at = { exchange, httpStatus: response.status };
  for (const [name, wanted] of Object.entries(expect?.headers ?? {})) {
    const actual = response.headers[name.toLowerCase()];
    if (actual === undefined || !actual.toLowerCase().includes(wanted.toLowerCase())) {
      const detail = `header ${name} is ${actual === undefined ? 'absent' : JSON.stringify(ctx.quote(actual, 100))}, expected to contain ${JSON.stringify(wanted)}`;
      throw assertion(`${target}: ${detail}`, detail, at);
    }
  }
  if (expect?.bodyContains !== undefined && !response.body.includes(expect.bodyContains)) {
    const detail = `the body does not contain ${JSON.stringify(expect.bodyContains)}${response.truncated ? ' (the body was cut at the size cap)' : ''}`;
    throw assertion(`${target}: ${detail}`, detail, at);
  }
  const needsJson = (expect?.json?.length ?? 0) > 0 || Object.keys(step.extract ?? {}).length > 0;
  if (needsJson) checkJsonExpectations(ctx, step, response, vars, (message, detail) => assertion(message, detail, at));
  await checkRejects(ctx, step, firstRequest, accessToken);
}

function checkJsonExpectations(
  ctx: RunContext,
  step: StepConfig,
  response: HttpResponse,
  vars: Record<string, string>,
  assertion: (message: string, detail: string) => ProbeFailure,
): void {
  const target = `API step "${step.name}"`;
  const expect = step.expect;
  let json: unknown;
  try {
    json = JSON.parse(response.body);
  } catch {
    const detail = `the body is not JSON${response.truncated ? ' (cut at the size cap)' : ''}, but the step has JSON assertions or extract`;
    throw assertion(`${target}: ${detail}`, detail);
  }
  for (const check of expect?.json ?? []) {
    const problem = checkJson(json, check, (text, max) => ctx.quote(text, max));
    if (problem) throw assertion(`${target}: ${problem}`, problem);
  }
  for (const [name, path] of Object.entries(step.extract ?? {})) {
    let resolved: { found: boolean; value?: unknown };
    try {
      resolved = resolvePath(json, path);
    } catch (error) {
      if (error instanceof JsonPathError)
        throw assertion(`${target}: extract ${name}: ${error.message}`, error.message);
      throw error;
    }
    if (!resolved.found || resolved.value === null || resolved.value === undefined) {
      const detail = `extract "${name}": nothing at path ${path}`;
      throw assertion(`${target}: ${detail}`, detail);
    }
    try {
      vars[name] = stringifyExtracted(resolved.value);
    } catch {
      const detail = `extract "${name}": the value at path ${path} is too deeply nested to use`;
      throw assertion(`${target}: ${detail}`, detail);
    }
  }
}

function expectedStatuses(step: StepConfig): number[] {
  const status = step.expect?.status;
  if (status === undefined) return [];
  return Array.isArray(status) ? status : [status];
}

/** One JSON assertion; the problem as text, or null. */
export function checkJson(
  json: unknown,
  check: { path: string; equals?: unknown; exists?: boolean; matches?: string },
  /** How response values are quoted: the run passes its redacting quote. */
  quote: (text: string, max: number) => string = oneLine,
): string | null {
  let resolved: { found: boolean; value?: unknown };
  try {
    resolved = resolvePath(json, check.path);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  const shown = (v: unknown) => quote(showValue(v, 400), 100);
  if (check.exists === true && !resolved.found) return `path ${check.path} does not exist`;
  if (check.exists === false && resolved.found)
    return `path ${check.path} exists (${shown(resolved.value)}), expected absent`;
  if ('equals' in check && check.equals !== undefined) {
    if (!resolved.found) return `path ${check.path} does not exist, expected ${shown(check.equals)}`;
    if (!jsonEquals(resolved.value, check.equals)) {
      return `path ${check.path} is ${shown(resolved.value)}, expected ${shown(check.equals)}`;
    }
  }
  if (check.matches !== undefined) {
    if (!resolved.found) return `path ${check.path} does not exist, expected to match /${check.matches}/`;
    const text = typeof resolved.value === 'string' ? resolved.value : showValue(resolved.value, 10_000);
    let pattern: RegExp;
    try {
      pattern = new RegExp(check.matches);
    } catch {
      return `"matches" of ${check.path} is not a valid regular expression: /${check.matches}/`;
    }
    if (!pattern.test(text ?? '')) {
      return `path ${check.path} is ${shown(resolved.value)}, expected to match /${check.matches}/`;
    }
  }
  return null;
}
