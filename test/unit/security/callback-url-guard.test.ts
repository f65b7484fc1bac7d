import { describe, expect, test } from 'vitest';
import { createCallbackUrlGuard, systemResolver, type HostResolver } from '../../../outbound/callback-url-guard.js';

/** The injected DNS: a table, so each case names exactly what the host resolves to. */
const dns: Record<string, string[]> = {
  'agent.example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
  'sneaky.example.com': ['93.184.215.14', '10.0.0.7'],
  'rebind.example.com': ['::ffff:169.254.169.254'],
  'v6private.example.com': ['fd12:3456::1'],
  'garbage.example.com': ['not-an-address'],
};
const tableResolver: HostResolver = async (hostname) => {
  const answers = dns[hostname];
  if (!answers) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return answers;
};

const production = createCallbackUrlGuard({ allowPrivate: false, resolveHost: tableResolver });
const development = createCallbackUrlGuard({ allowPrivate: true, resolveHost: tableResolver });

const refusedInProduction: [string, string, RegExp][] = [
  ['IPv4 loopback', 'wss://127.0.0.1/calls', /loopback/],
  ['IPv4 loopback in hex shorthand', 'wss://0x7f.1/calls', /loopback/],
  ['IPv4 loopback as one decimal', 'https://2130706433/hook', /loopback/],
  ['IPv6 loopback', 'wss://[::1]:8443/calls', /loopback/],
  ['IPv4-mapped IPv6 loopback', 'wss://[::ffff:127.0.0.1]/calls', /loopback/],
  ['IPv4-compatible IPv6 loopback', 'wss://[::127.0.0.1]/calls', /loopback/],
  ['NAT64 of a private address', 'wss://[64:ff9b::10.0.0.1]/calls', /private/],
  ['the SIIT form of IPv4 loopback', 'wss://[::ffff:0:7f00:1]/calls', /loopback/],
  ['NAT64 local-use of a private address', 'wss://[64:ff9b:1::a00:1]/calls', /private/],
  ['6to4 of IPv4 loopback', 'wss://[2002:7f00:1::]/calls', /loopback/],
  ['Teredo with a loopback client', 'wss://[2001:0:4136:e378:8000:63bf:80ff:fffe]/calls', /loopback/],
  ['Teredo with a private client', 'wss://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/calls', /private/],
  ['10/8', 'https://10.20.30.40/hook', /private/],
  ['172.16/12, its last address', 'https://172.31.255.255/hook', /private/],
  ['192.168/16', 'https://192.168.1.1/hook', /private/],
  ['fc00::/7', 'https://[fd00::1]/hook', /private/],
  ['169.254/16', 'https://169.254.10.10/hook', /link-local/],
  ['fe80::/10', 'https://[fe80::1]/hook', /link-local/],
  ['CGNAT 100.64/10', 'https://100.127.255.1/hook', /CGNAT/],
  ['the unspecified IPv4 address', 'https://0.0.0.0/hook', /unspecified/],
  ['the unspecified IPv6 address', 'https://[::]/hook', /unspecified/],
  ['IPv4 multicast', 'https://239.1.1.1/hook', /multicast/],
  ['IPv6 multicast', 'https://[ff02::1]/hook', /multicast/],
  ['the AWS/GCP/Azure metadata address', 'https://169.254.169.254/latest/meta-data', /cloud metadata/],
  ['the AWS IPv6 metadata address', 'https://[fd00:ec2::254]/latest', /cloud metadata/],
  ['the metadata address IPv4-mapped', 'https://[::ffff:a9fe:a9fe]/latest', /cloud metadata/],
  ['the Azure wire server', 'https://168.63.129.16/machine?comp=goalstate', /cloud metadata/],
  ['the Alibaba Cloud metadata address', 'http://100.100.100.200/latest/meta-data/', /cloud metadata/],
  ['the GCP metadata name', 'https://metadata.google.internal/computeMetadata/v1/', /cloud metadata/],
  ['the GCP metadata name with a trailing dot and capitals', 'https://Metadata.Google.Internal./v1/', /cloud metadata/],
  ['localhost', 'wss://localhost:3000/calls', /loopback/],
  ['a .localhost name', 'wss://agent.localhost/calls', /loopback/],
  ['a name with one private answer among public ones', 'wss://sneaky.example.com/calls', /resolves to 10\.0\.0\.7, a private address/],
  ['a name resolving to the mapped metadata address', 'wss://rebind.example.com/calls', /cloud metadata/],
  ['a name resolving to a unique-local IPv6 address', 'wss://v6private.example.com/calls', /private/],
];

describe('callback URL guard (ALLOW_PRIVATE_CALLBACK_URLS=false)', () => {
  test.each(refusedInProduction)('when the host is %s, then it is refused with a message naming the range', async (_name, url, reason) => {
    const refusal = await production(url);

    expect(refusal?.type).toBe('url_host_forbidden');
    expect(refusal?.msg).toMatch(reason);
  });

  test.each([
    ['a name that does not resolve', 'wss://nowhere.example.com/calls'],
    ['a resolver answer that is not an address', 'wss://garbage.example.com/calls'],
  ])('when %s, then it is refused as unresolvable', async (_name, url) => {
    const refusal = await production(url);

    expect(refusal).toEqual({ type: 'url_host_unresolvable', msg: expect.stringMatching(/does not resolve/) });
  });

  test('when the resolver hangs, then the host counts as unresolvable once the timeout passes', async () => {
    const hanging = createCallbackUrlGuard({ allowPrivate: false, resolveHost: () => new Promise(() => undefined), resolveTimeoutMs: 50 });

    expect((await hanging('wss://slow.example.com/calls'))?.type).toBe('url_host_unresolvable');
  });

  test.each([
    ['a name with only public answers', 'wss://agent.example.com/calls'],
    ['a public IPv4 literal', 'https://93.184.215.14/hook'],
    ['another public IPv4 literal', 'https://8.8.8.8/hook'],
    ['a public IPv6 literal', 'https://[2606:4700::1111]/hook'],
    ['just outside 172.16/12', 'https://172.32.0.1/hook'],
    ['just outside CGNAT', 'https://100.128.0.1/hook'],
  ])('when the host is %s, then it is accepted', async (_name, url) => {
    expect(await production(url)).toBeUndefined();
  });

  test('when the system resolver resolves localhost through /etc/hosts, then a name for it is refused too', async () => {
    const guard = createCallbackUrlGuard({ allowPrivate: false, resolveHost: async (name) => systemResolver(name === 'alias.test' ? 'localhost' : name) });

    expect((await guard('wss://alias.test/calls'))?.msg).toMatch(/loopback/);
  });
});

describe('callback URL guard (ALLOW_PRIVATE_CALLBACK_URLS=true)', () => {
  test.each([
    ['localhost', 'wss://localhost:3000/calls'],
    ['IPv4 loopback', 'wss://127.0.0.1:3000/calls'],
    ['a LAN address', 'https://192.168.1.20/hook'],
    ['a name that does not resolve (offline demo)', 'wss://nowhere.example.com/calls'],
    ['a name with a private answer', 'wss://sneaky.example.com/calls'],
  ])('when the host is %s, then it is accepted', async (_name, url) => {
    expect(await development(url)).toBeUndefined();
  });

  test.each([
    ['the metadata address', 'https://169.254.169.254/latest/meta-data', /cloud metadata/],
    ['the GCP metadata name', 'https://metadata.google.internal/', /cloud metadata/],
    ['a name resolving to the metadata address', 'wss://rebind.example.com/calls', /cloud metadata/],
    ['the Azure wire server', 'https://168.63.129.16/machine', /cloud metadata/],
    ['the Alibaba metadata address, inside CGNAT space', 'http://100.100.100.200/latest/meta-data/', /cloud metadata/],
    ['the metadata address through 6to4', 'https://[2002:a9fe:a9fe::]/latest', /cloud metadata/],
    ['the unspecified address', 'wss://0.0.0.0/calls', /unspecified/],
    ['multicast', 'wss://224.0.0.251/calls', /multicast/],
  ])('when the host is %s, then it is still refused', async (_name, url, reason) => {
    expect((await development(url))?.msg).toMatch(reason);
  });
});
