import ipaddr from 'ipaddr.js';

const wellKnownNat64 = ipaddr.IPv6.parseCIDR('64:ff9b::/96');
const ipv4Compatible = ipaddr.IPv6.parseCIDR('::/96');

/** RFC 6052 §2.2 prefix lengths a network may pick for its own NAT64 prefix inside 64:ff9b:1::/48. */
const localUseNat64PrefixLengths = [48, 56, 64, 96] as const;

const ipv4From = (bytes: number[]) => new ipaddr.IPv4(bytes);
const last32Bits = (bytes: number[]) => ipv4From(bytes.slice(12));

/** RFC 6052 §2.2: the IPv4 address follows the prefix, stepping over the always-zero u octet (bits 64–71). */
function afterNat64Prefix(bytes: number[], prefixLength: number): ipaddr.IPv4 {
  const start = prefixLength / 8;
  const positions = [0, 1, 2, 3, 4].map((offset) => start + offset).filter((position) => position !== 8);
  return ipv4From(positions.slice(0, 4).map((position) => bytes[position]!));
}

/**
 * The IPv4 addresses an IPv6 address stands for, or undefined when it carries none. Each one is a
 * way to reach an IPv4 host, so each must be classified as if it were the target:
 * - IPv4-mapped `::ffff:0:0/96` and SIIT `::ffff:0:0:0/96` (RFC 6145): the last 32 bits.
 * - IPv4-compatible `::/96` (deprecated by RFC 4291, still accepted by stacks): the last 32 bits.
 * - NAT64 `64:ff9b::/96` (RFC 6052): the last 32 bits, the only layout that prefix allows.
 * - NAT64 local-use `64:ff9b:1::/48` (RFC 8215): the network picks a /48, /56, /64 or /96 prefix,
 *   and the address does not say which, so every reading is returned.
 * - 6to4 `2002::/16` (RFC 3056): bits 16–47.
 * - Teredo `2001::/32` (RFC 4380): the server in bits 32–63, and the client in the last 32 bits
 *   XORed with 0xffffffff.
 */
export function embeddedIPv4s(address: ipaddr.IPv6): ipaddr.IPv4[] | undefined {
  const bytes = address.toByteArray();
  const range: string = address.range();
  switch (range) {
    case 'ipv4Mapped':
    case 'rfc6145':
      return [last32Bits(bytes)];
    case 'rfc6052':
      return address.match(wellKnownNat64) ? [last32Bits(bytes)] : localUseNat64PrefixLengths.map((length) => afterNat64Prefix(bytes, length));
    case '6to4':
      return [ipv4From(bytes.slice(2, 6))];
    case 'teredo':
      return [ipv4From(bytes.slice(4, 8)), ipv4From(bytes.slice(12).map((byte) => byte ^ 0xff))];
    case 'unicast':
      return address.match(ipv4Compatible) ? [last32Bits(bytes)] : undefined;
    default:
      return undefined;
  }
}
