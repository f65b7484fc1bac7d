import { describe, expect, test } from 'vitest';
import { allowedInDevelopment, blockedAddressKind, type BlockedAddressKind } from '../../../outbound/blocked-addresses.js';

/**
 * Teredo (RFC 4380) addresses: 2001:0:<server IPv4>:<flags>:<port ^ 0xffff>:<client IPv4 ^ 0xffffffff>.
 * The server here is 65.54.227.120 (4136:e378), a public address, so only the client decides.
 */
const teredo = (client: string) => `2001:0:4136:e378:8000:63bf:${client}`;

const refused: [string, string, BlockedAddressKind][] = [
  ['the SIIT form of loopback, as URLs print it (issue 15)', '::ffff:0:7f00:1', 'loopback'],
  ['the SIIT form of loopback, dotted', '::ffff:0:127.0.0.1', 'loopback'],
  ['NAT64 local-use 64:ff9b:1::/48 carrying 10.0.0.1 (issue 15)', '64:ff9b:1::a00:1', 'private'],
  ['NAT64 local-use with the metadata address embedded after a /48 prefix', '64:ff9b:1:a9fe:a9:fe00::', 'cloud metadata'],
  ['NAT64 local-use carrying a public address', '64:ff9b:1::808:808', 'private'],
  ['NAT64 well-known prefix carrying the metadata address', '64:ff9b::a9fe:a9fe', 'cloud metadata'],
  ['6to4 of loopback (issue 15)', '2002:7f00:1::', 'loopback'],
  ['6to4 of the metadata address', '2002:a9fe:a9fe::1', 'cloud metadata'],
  ['6to4 of a private address', '2002:c0a8:101::1', 'private'],
  ['Teredo whose client is 127.0.0.1 (issue 15)', teredo('80ff:fffe'), 'loopback'],
  ['Teredo whose client is 10.0.0.1 (issue 15)', teredo('f5ff:fffe'), 'private'],
  ['Teredo whose server is 10.0.0.1', '2001:0:a00:1:8000:63bf:f7f7:f7f7', 'private'],
  ['the Azure wire server and metadata address (issue 15)', '168.63.129.16', 'cloud metadata'],
  ['the Alibaba Cloud metadata address', '100.100.100.200', 'cloud metadata'],
  ['the AWS ECS task metadata address', '169.254.170.2', 'cloud metadata'],
  ['the AWS/GCP/Azure/OCI metadata address', '169.254.169.254', 'cloud metadata'],
  ['the AWS IPv6 metadata address', 'fd00:ec2::254', 'cloud metadata'],
  ['the IPv4-compatible form of loopback, as URLs print it', '::7f00:1', 'loopback'],
  ['IPv6 loopback in brackets', '[::1]', 'loopback'],
  ['a link-local address with a zone', 'fe80::1%eth0', 'link-local'],
  ['the IPv4 broadcast address', '255.255.255.255', 'reserved'],
  ['TEST-NET-2', '198.51.100.7', 'reserved'],
  ['the benchmarking range', '198.18.0.1', 'reserved'],
  ['the IPv6 documentation prefix', '2001:db8::1', 'reserved'],
  ['the newer IPv6 documentation prefix', '3fff::1', 'reserved'],
  ['the IPv6 benchmarking prefix', '2001:2::1', 'reserved'],
  ['the IPv6 discard prefix', '100::1', 'reserved'],
  ['deprecated site-local', 'fec0::1', 'reserved'],
  ['IPv6 outside global unicast 2000::/3 (SRv6 SIDs)', '5f00::1', 'reserved'],
];

describe('blockedAddressKind', () => {
  test.each(refused)('when the address is %s, then it is refused as its kind', (_name, address, kind) => {
    expect(blockedAddressKind(address)).toBe(kind);
  });

  test.each([
    ['a public IPv4 address', '8.8.8.8'],
    ['another public IPv4 address', '93.184.215.14'],
    ['a public IPv6 address', '2606:4700::1111'],
    ['Google public DNS over IPv6', '2001:4860:4860::8888'],
    ['6to4 of a public address', '2002:808:808::1'],
    ['Teredo whose server and client are public', teredo('f7f7:f7f7')],
    ['the public address just after 168.63.129.16', '168.63.129.17'],
  ])('when the address is %s, then it is allowed', (_name, address) => {
    expect(blockedAddressKind(address)).toBeUndefined();
  });

  test.each([
    ['a host name', 'example.com'],
    ['an IPv4 shorthand no caller passes (URLs normalise it, resolvers never answer it)', '127.1'],
    ['an empty string', ''],
  ])('when the text is %s, then it is not classified as an address', (_name, text) => {
    expect(blockedAddressKind(text)).toBeUndefined();
  });
});

describe('allowedInDevelopment', () => {
  test.each([
    ['the Azure wire server', '168.63.129.16'],
    ['the Alibaba metadata address inside CGNAT space', '100.100.100.200'],
    ['the metadata address inside NAT64 local-use space', '64:ff9b:1:a9fe:a9:fe00::'],
    ['the metadata address through 6to4', '2002:a9fe:a9fe::1'],
  ])('when the address is %s, then ALLOW_PRIVATE_CALLBACK_URLS does not let it through', (_name, address) => {
    const kind = blockedAddressKind(address);

    expect(kind).toBeDefined();
    expect(allowedInDevelopment(kind!)).toBe(false);
  });

  test.each([
    ['loopback through the SIIT form', '::ffff:0:7f00:1'],
    ['a private address through NAT64 local-use', '64:ff9b:1::a00:1'],
  ])('when the address is %s, then ALLOW_PRIVATE_CALLBACK_URLS lets it through', (_name, address) => {
    const kind = blockedAddressKind(address);

    expect(kind).toBeDefined();
    expect(allowedInDevelopment(kind!)).toBe(true);
  });
});
