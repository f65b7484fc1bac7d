import ipaddr from 'ipaddr.js';

/**
 * Addresses where a cloud host hands out instance credentials, configuration or agent control. Each is
 * refused even under ALLOW_PRIVATE_CALLBACK_URLS: several sit inside ranges development mode opens
 * (link-local, CGNAT, unique-local), and one is an ordinary public address.
 */
const cloudMetadataCidrs = [
  // The instance metadata service of AWS, GCP, Azure, Oracle Cloud, DigitalOcean and OpenStack.
  '169.254.169.254/32',
  // AWS IMDS over IPv6 on Nitro instances.
  'fd00:ec2::254/128',
  // The AWS ECS task metadata and task-role credentials endpoint.
  '169.254.170.2/32',
  // The EKS Pod Identity agent, which hands pods their role credentials, over IPv4 and IPv6.
  '169.254.170.23/32',
  'fd00:ec2::23/128',
  // Azure's WireServer: a public address every Azure VM reaches for agent goal state, extensions and
  // certificates (and DNS). Nothing else lives there, so a callback to it is only ever an attack.
  '168.63.129.16/32',
  // Alibaba Cloud ECS metadata: inside CGNAT space, which development mode would otherwise open.
  '100.100.100.200/32',
].map((cidr) => ipaddr.parseCIDR(cidr));

/** Whether an address is one of the cloud metadata endpoints above. */
export const isCloudMetadataAddress = (address: ipaddr.IPv4 | ipaddr.IPv6): boolean =>
  cloudMetadataCidrs.some(([network, prefix]) => network.kind() === address.kind() && address.match(network, prefix));
