import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { isCloudMetadataAddress } from './cloud-metadata-addresses.js';
import { embeddedIPv4s } from './embedded-ipv4.js';

/**
 * Why an address may not be a callback target. `private` kinds are what a developer's own machine or
 * LAN uses, so ALLOW_PRIVATE_CALLBACK_URLS lets them through; the others never make sense as a target.
 */
export type BlockedAddressKind = 'loopback' | 'private' | 'link-local' | 'shared (CGNAT)' | 'cloud metadata' | 'unspecified' | 'multicast' | 'reserved';

const developmentKinds: ReadonlySet<BlockedAddressKind> = new Set(['loopback', 'private', 'link-local', 'shared (CGNAT)']);

/** Whether ALLOW_PRIVATE_CALLBACK_URLS may let an address of this kind through. */
export const allowedInDevelopment = (kind: BlockedAddressKind): boolean => developmentKinds.has(kind);

/**
 * ipaddr.js's IPv4 `range()` names. Only `unicast` passes; a range ipaddr.js adds later and this table
 * does not name counts as reserved.
 */
const ipv4Kinds: Readonly<Record<string, BlockedAddressKind | undefined>> = {
  unicast: undefined,
  unspecified: 'unspecified',
  loopback: 'loopback',
  private: 'private',
  linkLocal: 'link-local',
  carrierGradeNat: 'shared (CGNAT)',
  multicast: 'multicast',
  broadcast: 'reserved',
  // IETF assignments, documentation (TEST-NET-1/2/3), benchmarking 198.18/15, the 6to4 relay anycast and 240/4.
  reserved: 'reserved',
  // Anycast sinks for reverse lookups of private space (RFC 7534/7535) and multicast tunnel relays
  // (RFC 7450): shared infrastructure, never a customer's host.
  as112: 'reserved',
  amt: 'reserved',
};

/**
 * ipaddr.js's IPv6 `range()` names, for addresses that carry no IPv4 address (see embeddedIPv4s).
 * Only `unicast` may pass, and only inside global unicast 2000::/3.
 */
const ipv6Kinds: Readonly<Record<string, BlockedAddressKind | undefined>> = {
  unicast: undefined,
  unspecified: 'unspecified',
  loopback: 'loopback',
  // fc00::/7 is IPv6's RFC 1918.
  uniqueLocal: 'private',
  linkLocal: 'link-local',
  multicast: 'multicast',
  // fec0::/10 was site-local until RFC 3879; old stacks still route it inside a site.
  deprecatedSiteLocal: 'reserved',
  // 100::/64 exists to be dropped (RFC 6666).
  discard: 'reserved',
  // The rest of 2001::/23 (IETF protocol assignments), 2001:db8::/32 and 3fff::/20 (documentation):
  // identifiers, test nets and shared anycast services, never a customer's host.
  reserved: 'reserved',
  benchmarking: 'reserved',
  amt: 'reserved',
  as112v6: 'reserved',
  orchid2: 'reserved',
  deprecatedOrchid: 'reserved',
  droneRemoteIdProtocolEntityTags: 'reserved',
  segmentRouting: 'reserved',
};

/**
 * Every address IANA has handed out for the public IPv6 internet is in 2000::/3; anything else that
 * ipaddr.js calls `unicast` (0000::/8 leftovers, 5f00::/16 SRv6 SIDs, unassigned space) is refused.
 */
const globalUnicast = ipaddr.IPv6.parseCIDR('2000::/3');

/**
 * NAT64 local-use 64:ff9b:1::/48 (RFC 8215) is a prefix a network gives its own translator: it only
 * means something inside that network, whatever IPv4 address it carries.
 */
const localUseNat64 = ipaddr.IPv6.parseCIDR('64:ff9b:1::/48');

/**
 * The kind that must win when one address stands for several: cloud metadata first, then any kind
 * development mode never opens, so ALLOW_PRIVATE_CALLBACK_URLS cannot reach them through a wrapper.
 */
function strictest(kinds: (BlockedAddressKind | undefined)[]): BlockedAddressKind | undefined {
  if (kinds.includes('cloud metadata')) return 'cloud metadata';
  return kinds.find((kind) => kind && !allowedInDevelopment(kind)) ?? kinds.find((kind) => kind !== undefined);
}

function ipv4Kind(address: ipaddr.IPv4): BlockedAddressKind | undefined {
  if (isCloudMetadataAddress(address)) return 'cloud metadata';
  const range: string = address.range();
  return range in ipv4Kinds ? ipv4Kinds[range] : 'reserved';
}

function ipv6Kind(address: ipaddr.IPv6): BlockedAddressKind | undefined {
  if (isCloudMetadataAddress(address)) return 'cloud metadata';
  const carried = embeddedIPv4s(address);
  if (carried && address.match(localUseNat64)) {
    // Refused whatever it carries; a reading only matters when it is stricter than private. Readings in
    // 0.0.0.0/8 are the zero padding a shorter prefix leaves, not a target, so they do not escalate.
    return strictest(['private', ...carried.map(ipv4Kind).filter((kind) => kind !== 'unspecified')]);
  }
  if (carried) return strictest(carried.map(ipv4Kind));
  const range: string = address.range();
  const kind = range in ipv6Kinds ? ipv6Kinds[range] : 'reserved';
  return kind ?? (address.match(globalUnicast) ? undefined : 'reserved');
}

/**
 * The kind of blocked range an IP address falls in, or undefined for a public address. Text that is
 * not an IP literal as Node's `net.isIP` reads it (a host name, `127.1`) is undefined too: callers
 * only pass URL hosts, which the URL parser has normalised, and resolver answers.
 */
export function blockedAddressKind(address: string): BlockedAddressKind | undefined {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!isIP(bare)) return undefined;
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(bare);
  } catch {
    // Node would connect to it, but we cannot tell where to: refuse rather than guess.
    return 'reserved';
  }
  return parsed.kind() === 'ipv4' ? ipv4Kind(parsed as ipaddr.IPv4) : ipv6Kind(parsed as ipaddr.IPv6);
}
