/*
 * IP address and CIDR syntax as Go's net/netip parse it (Istio's checks are
 * written in Go): dotted IPv4 without leading zeros, IPv6 with `::` and an
 * optional embedded IPv4 tail, no zones.
 */

const IPV4 =
  /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Whether the text is an IPv4 address. */
export function isIpv4(address: string): boolean {
  return IPV4.test(address);
}

/** Whether the text is an IPv6 address. */
export function isIpv6(address: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(address) || address.includes(':::')) {
    return false;
  }
  const halves = address.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap(h => (h ? h.split(':') : []));
  const last = groups[groups.length - 1] ?? '';
  const embedsIpv4 = last.includes('.');
  if (embedsIpv4 && !IPV4.test(last)) return false;
  const hexGroups = embedsIpv4 ? groups.slice(0, -1) : groups;
  if (!hexGroups.every(g => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  const width = hexGroups.length + (embedsIpv4 ? 2 : 0);
  return halves.length === 2 ? width < 8 : width === 8;
}

/** Whether the text is an IP address of either family (Go's net.ParseIP). */
export function isIpAddress(address: string): boolean {
  return isIpv4(address) || isIpv6(address);
}

/** Go's netip.ParsePrefix: an address and a prefix length within its width. */
export function isCidr(value: string): boolean {
  const slash = value.lastIndexOf('/');
  if (slash < 0) return false;
  const address = value.slice(0, slash);
  const bits = value.slice(slash + 1);
  if (!/^(0|[1-9]\d*)$/.test(bits)) return false;
  if (isIpv4(address)) return Number(bits) <= 32;
  return isIpv6(address) && Number(bits) <= 128;
}
