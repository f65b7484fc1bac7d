import { systemResolver, type HostResolver } from '../../outbound/callback-url-guard.js';

/** An address example.com has answered with: public, so the SSRF guard lets it through. */
export const publicTestAddress = '93.184.215.14';

/**
 * DNS for tests on a machine without external DNS: names under `example.com` and `.example`
 * (RFC 2606, the names tests use) and the given extra names answer from the table; every other
 * name goes to the real system resolver (so `localhost` resolves, unknown names fail).
 */
export function createTestResolver(extra: Record<string, string[]> = {}): HostResolver {
  return async (hostname) => {
    const name = hostname.toLowerCase();
    if (extra[name]) return extra[name];
    if (name === 'example.com' || name.endsWith('.example.com') || name.endsWith('.example')) return [publicTestAddress];
    return systemResolver(name);
  };
}
