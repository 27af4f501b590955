/**
 * The engine's internal failure: thrown by a stage, caught once by the run and turned into a result.
 * Never escapes `runProbe`.
 */
import type { IdentityProvider } from '../config/identity-provider.js';
import type { ClientAuthMethod } from '../config/schema.js';
import type { OAuthErrorBody, TransportClassification } from './classify.js';
import type { Exchange, ResultCode, Stage } from './result.js';

/** What the hint needs to be specific. Never holds a secret value. */
export interface FailureContext {
  step?: string;
  httpStatus?: number | null;
  clientAuth?: ClientAuthMethod;
  secretId?: string;
  /** Host (and port) of the URL involved. */
  host?: string;
  /** What was being talked to: `token endpoint`, `discovery`, `JWKS`, `API step "x"`. */
  target?: string;
  transport?: TransportClassification;
  oauth?: OAuthErrorBody;
  retryAfterSec?: number;
  /** The run sent no token request: an earlier run's Retry-After (retryAfterSec more seconds) still holds. */
  retryAfterHeld?: boolean;
  /** This run's Retry-After is held: runs of the probe in this instance wait that long before asking again. */
  retryAfterHonoured?: boolean;
  /** The identity provider behind the token endpoint, when recognised: which quota to look at. */
  provider?: IdentityProvider;
  /** Okta-style rate limit headers of a 429 (`X-Rate-Limit-Limit`, `-Remaining`, `-Reset`), as sent. */
  rateLimit?: string;
  bodyKind?: string;
  /** Free detail for the hint (a claim name, the missing field, the expected status, ...). */
  detail?: string;
  keyId?: string;
  /** The credential expiry, ISO. */
  expiresAt?: string;
  scopes?: string[];
  /** The client secret has characters that RFC 6749 §2.3.1 form-encoding changes (never the value). */
  secretNeedsEncoding?: boolean;
  /** The endpoint speaks this scheme, not the URL's: `http` (plain HTTP behind an https:// URL) or `https`. */
  wrongScheme?: 'http' | 'https';
  /** The exchange where it broke: gets the code. */
  exchange?: Exchange;
}

export class ProbeFailure extends Error {
  constructor(
    readonly stage: Stage,
    readonly code: ResultCode,
    message: string,
    readonly context: FailureContext = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ProbeFailure';
  }
}
