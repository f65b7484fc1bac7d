import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { allowedInDevelopment, blockedAddressKind, type BlockedAddressKind } from './blocked-addresses.js';

/** Every address a host name resolves to (A and AAAA); rejects when it does not resolve. */
export type HostResolver = (hostname: string) => Promise<string[]>;

/** The system resolver (getaddrinfo, so /etc/hosts too), as the process that connects would resolve. */
export const systemResolver: HostResolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((answer) => answer.address);

export interface CallbackUrlGuardOptions {
  /** ALLOW_PRIVATE_CALLBACK_URLS: loopback, private, link-local and CGNAT hosts, and names that do not resolve, pass. */
  allowPrivate: boolean;
  resolveHost: HostResolver;
  /** How long a resolution may take before the host counts as unresolvable; defaults to 3 s. */
  resolveTimeoutMs?: number;
}

/** Why a callback URL was refused, as a sentence for a 422 `msg`, with a stable `type`. */
export interface CallbackUrlRefusal {
  type: 'url_host_forbidden' | 'url_host_unresolvable';
  msg: string;
}

/** Names that are cloud metadata services whatever they resolve to. */
const metadataHostnames = new Set(['metadata.google.internal', 'metadata.goog', 'metadata']);
const isLocalhostName = (hostname: string) => hostname === 'localhost' || hostname.endsWith('.localhost');

const forbidden = (host: string, kind: BlockedAddressKind, address?: string): CallbackUrlRefusal => ({
  type: 'url_host_forbidden',
  msg: `Host "${host}" ${address ? `resolves to ${address}, ` : 'is '}${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} address; callback URLs must reach a public host`,
});

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`resolution took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Checks that a customer URL cannot point the service (or the carrier acting for it) at internal
 * addresses: IP literals and every A/AAAA answer of a name are classified. Resolves undefined when the
 * URL may be stored, else the refusal. A URL that does not parse is the schema's concern and passes here.
 */
export function createCallbackUrlGuard(options: CallbackUrlGuardOptions) {
  const { allowPrivate, resolveHost, resolveTimeoutMs = 3_000 } = options;
  const refuses = (kind: BlockedAddressKind) => !(allowPrivate && allowedInDevelopment(kind));

  return async function checkCallbackUrl(value: string): Promise<CallbackUrlRefusal | undefined> {
    let hostname: string;
    try {
      hostname = new URL(value).hostname.toLowerCase();
    } catch {
      return undefined;
    }
    const host = hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
    if (metadataHostnames.has(host)) return forbidden(host, 'cloud metadata');
    if (isIP(host)) {
      const kind = blockedAddressKind(host);
      return kind && refuses(kind) ? forbidden(host, kind) : undefined;
    }
    if (isLocalhostName(host) && refuses('loopback')) return forbidden(host, 'loopback');

    let addresses: string[];
    try {
      addresses = await withTimeout(resolveHost(host), resolveTimeoutMs);
    } catch {
      addresses = [];
    }
    if (addresses.length === 0 || !addresses.every((address) => isIP(address))) {
      return allowPrivate
        ? undefined
        : { type: 'url_host_unresolvable', msg: `Host "${host}" does not resolve to any address; callback URLs must reach a public host` };
    }
    for (const address of addresses) {
      const kind = blockedAddressKind(address);
      if (kind && refuses(kind)) return forbidden(host, kind, address);
    }
    return undefined;
  };
}

export type CallbackUrlGuard = ReturnType<typeof createCallbackUrlGuard>;
