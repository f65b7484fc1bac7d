import { BlockList, isIPv4, isIPv6 } from 'node:net';

/**
 * Why an address may not be a callback target. `private` kinds are what a developer's own machine or
 * LAN uses, so ALLOW_PRIVATE_CALLBACK_URLS lets them through; the others never make sense as a target.
 */
export type BlockedAddressKind = 'loopback' | 'private' | 'link-local' | 'shared (CGNAT)' | 'cloud metadata' | 'unspecified' | 'multicast' | 'reserved';

const developmentKinds: ReadonlySet<BlockedAddressKind> = new Set(['loopback', 'private', 'link-local', 'shared (CGNAT)']);

/** Whether ALLOW_PRIVATE_CALLBACK_URLS may let an address of this kind through. */
export const allowedInDevelopment = (kind: BlockedAddressKind): boolean => developmentKinds.has(kind);

/** Most specific first: the metadata hosts sit inside link-local ranges. */
const ranges: [BlockedAddressKind, 'ipv4' | 'ipv6', string, number][] = [
  ['cloud metadata', 'ipv4', '169.254.169.254', 32],
  ['cloud metadata', 'ipv6', 'fd00:ec2::254', 128],
  ['unspecified', 'ipv4', '0.0.0.0', 8],
  ['unspecified', 'ipv6', '::', 128],
  ['loopback', 'ipv4', '127.0.0.0', 8],
  ['loopback', 'ipv6', '::1', 128],
  ['private', 'ipv4', '10.0.0.0', 8],
  ['private', 'ipv4', '172.16.0.0', 12],
  ['private', 'ipv4', '192.168.0.0', 16],
  ['private', 'ipv6', 'fc00::', 7],
  ['link-local', 'ipv4', '169.254.0.0', 16],
  ['link-local', 'ipv6', 'fe80::', 10],
  ['shared (CGNAT)', 'ipv4', '100.64.0.0', 10],
  ['multicast', 'ipv4', '224.0.0.0', 4],
  ['multicast', 'ipv6', 'ff00::', 8],
  ['reserved', 'ipv4', '240.0.0.0', 4],
  ['reserved', 'ipv4', '192.0.0.0', 24],
  ['reserved', 'ipv4', '198.18.0.0', 15],
  ['reserved', 'ipv6', 'fec0::', 10],
  ['reserved', 'ipv6', '100::', 64],
];

const blockLists = ranges.map(([kind, family, network, prefix]) => {
  const list = new BlockList();
  list.addSubnet(network, prefix, family);
  return { kind, list };
});

/** The IPv4 address an IPv6 address carries: IPv4-mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::/96) or IPv4-compatible (::a.b.c.d). */
function embeddedIPv4(address: string): string | undefined {
  const groups = expandIPv6(address);
  if (!groups) return undefined;
  const head = groups
    .slice(0, 6)
    .map((group) => group.toString(16))
    .join(':');
  const carriesIPv4 = head === '0:0:0:0:0:ffff' || head === '64:ff9b:0:0:0:0' || (head === '0:0:0:0:0:0' && groups[6] !== 0);
  if (!carriesIPv4) return undefined;
  const [high, low] = [groups[6]!, groups[7]!];
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted quad allowed), or undefined. */
function expandIPv6(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const bytes = dotted[1]!.split('.').map(Number);
    text = text.slice(0, -dotted[1]!.length) + `${((bytes[0]! << 8) | bytes[1]!).toString(16)}:${((bytes[2]! << 8) | bytes[3]!).toString(16)}`;
  }
  const [left, right] = text.split('::') as [string, string | undefined];
  const parse = (part: string) => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
  const head = parse(left);
  const tail = right === undefined ? [] : parse(right);
  const groups = right === undefined ? head : [...head, ...Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  return groups.length === 8 && groups.every((group) => Number.isInteger(group) && group >= 0 && group <= 0xffff) ? groups : undefined;
}

/** The kind of blocked range an IP address falls in, or undefined for a public address. */
export function blockedAddressKind(address: string): BlockedAddressKind | undefined {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (isIPv4(bare)) return blockLists.find(({ list }) => list.check(bare, 'ipv4'))?.kind;
  if (!isIPv6(bare)) return undefined;
  const ipv4 = embeddedIPv4(bare);
  if (ipv4) return blockedAddressKind(ipv4);
  return blockLists.find(({ list }) => list.check(bare, 'ipv6'))?.kind;
}
