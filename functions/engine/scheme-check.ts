/**
 * Telling a wrong scheme from a broken network. `https://` to a plain-HTTP server fails the handshake
 * with OpenSSL's "wrong version number"; `http://` to a TLS server just sees the connection closed, which
 * alone looks like a load balancer dropping it. Only after such a failure, one TLS handshake to the same
 * host and port settles it (no request is sent on it).
 */
import { connect } from 'node:tls';

/** OpenSSL codes of a TLS client that got plain-text bytes back. */
const PLAINTEXT_REPLY_CODES = new Set([
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_HTTP_REQUEST',
]);

export function isPlainHttpReply(errorCode: string | undefined): boolean {
  return errorCode !== undefined && PLAINTEXT_REPLY_CODES.has(errorCode);
}

/** Whether `url`'s host and port complete a TLS handshake within `timeoutMs`. Never throws. */
export function speaksTls(url: string, timeoutMs: number): Promise<boolean> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.resolve(false);
  }
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const port = Number(target.port || 80);
  return new Promise((resolve) => {
    const socket = connect({ host, port, rejectUnauthorized: false, ...(isIp(host) ? {} : { servername: host }) });
    const done = (answer: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('secureConnect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
  });
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}
