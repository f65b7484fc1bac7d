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
 * What the guard says about one host: every address it resolved to (all approved; the only ones a
 * connection may use), or why it is refused. In development mode a name that does not resolve passes
 * with no address: it may be stored, and nothing can connect to it.
 */
export type HostApproval = { addresses: string[] } | { refusal: CallbackUrlRefusal };

/**
 * Classifies a URL host (as `new URL(…).hostname` has it, IPv6 in brackets): IP literals and every
 * A/AAAA answer of a name. The host is resolved once; a caller that connects uses the approved addresses
 * and never resolves again, so a second answer (DNS rebinding) cannot change where it connects.
 */
export function createHostGuard(options: CallbackUrlGuardOptions) {
  const { allowPrivate, resolveHost, resolveTimeoutMs = 3_000 } = options;
  const refuses = (kind: BlockedAddressKind) => !(allowPrivate && allowedInDevelopment(kind));

  return async function approveHost(hostname: string): Promise<HostApproval> {
    const host = hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
    if (metadataHostnames.has(host)) return { refusal: forbidden(host, 'cloud metadata') };
    if (isIP(host)) {
      const kind = blockedAddressKind(host);
      return kind && refuses(kind) ? { refusal: forbidden(host, kind) } : { addresses: [host] };
    }
    if (isLocalhostName(host) && refuses('loopback')) return { refusal: forbidden(host, 'loopback') };

    let addresses: string[];
    try {
      addresses = await withTimeout(resolveHost(host), resolveTimeoutMs);
    } catch {
      addresses = [];
    }
    if (addresses.length === 0 || !addresses.every((address) => isIP(address))) {
      return allowPrivate
        ? { addresses: [] }
        : { refusal: { type: 'url_host_unresolvable', msg: `Host "${host}" does not resolve to any address; callback URLs must reach a public host` } };
    }
    for (const address of addresses) {
      const kind = blockedAddressKind(address);
      if (kind && refuses(kind)) return { refusal: forbidden(host, kind, address) };
    }
    return { addresses };
  };
}

export type HostGuard = ReturnType<typeof createHostGuard>;

/**
 * Checks that a customer URL cannot point the service (or the carrier acting for it) at internal
 * addresses. Resolves undefined when the URL may be stored, else the refusal. A URL that does not parse
 * is the schema's concern and passes here.
 */
export function createCallbackUrlGuard(options: CallbackUrlGuardOptions) {
  const approveHost = createHostGuard(options);

  return async function checkCallbackUrl(value: string): Promise<CallbackUrlRefusal | undefined> {
    let hostname: string;
    try {
      hostname = new URL(value).hostname;
    } catch {
      return undefined;
    }
    const approval = await approveHost(hostname);
    return 'refusal' in approval ? approval.refusal : undefined;
  };
}

export type CallbackUrlGuard = ReturnType<typeof createCallbackUrlGuard>;
