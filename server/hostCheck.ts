import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './app';
import type { ServerConfig } from './config';

/** Methods that change state or spend the API key: their Origin, when sent, must be allowed too. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Addresses that only mean "listen everywhere": no client reaches the server by that name. */
const WILDCARDS = new Set(['0.0.0.0', '[::]', '::']);

/**
 * DNS rebinding protection: a web page the user visits can make its own host name resolve to 127.0.0.1 and
 * then read the data folder and spend the API key through this server, with its own name in the Host
 * header. So every request must name the server as the user does (localhost, 127.0.0.1, [::1], the
 * configured HOST, or a name in ALLOWED_HOSTS); so must the Origin of a state-changing request (a POST from
 * another site's page). Requests without an Origin (the CLI, curl) are not cross-site.
 */
export function hostCheck(
  config: Pick<ServerConfig, 'host' | 'allowedHosts'>,
): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const allowed = new Set(['localhost', '127.0.0.1', '[::1]']);
  for (const name of [config.host, ...config.allowedHosts]) {
    const hostname = hostnameOf(name.includes(':') && !name.startsWith('[') ? `[${name}]` : name);
    if (hostname && !WILDCARDS.has(hostname)) allowed.add(hostname);
  }
  return async (request, reply) => {
    const host = request.headers.host ?? '';
    if (!allowed.has(hostnameOf(host) ?? '')) {
      await reply
        .code(403)
        .send(
          errorBody(
            403,
            `refused: the Host header "${host}" does not name this server (DNS rebinding protection); ` +
              'open the app at http://127.0.0.1:<port>/, or add that host name to ALLOWED_HOSTS ' +
              '(comma-separated) and restart the server',
          ),
        );
      return;
    }
    const origin = request.headers.origin;
    if (origin === undefined || SAFE_METHODS.has(request.method)) return;
    const originHost = /^https?:\/\//i.test(origin) ? hostnameOf(origin.replace(/^https?:\/\//i, '')) : null;
    if (!allowed.has(originHost ?? '')) {
      await reply
        .code(403)
        .send(
          errorBody(
            403,
            `refused: a page at ${origin} may not use this server; if it should, add its host name to ` +
              'ALLOWED_HOSTS (comma-separated) and restart the server',
          ),
        );
    }
  };
}

/** The lower-case host name of a `host[:port]` text (IPv6 in brackets), or null when it is not one. */
function hostnameOf(text: string): string | null {
  if (text === '' || /[/?#@\s]/.test(text)) return null;
  try {
    return new URL(`http://${text}`).hostname.toLowerCase();
  } catch {
    return null;
  }
}
