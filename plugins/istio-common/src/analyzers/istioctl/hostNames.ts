/**
 * Istio's host name rules as istioctl's analyzers apply them: a leading `*`
 * makes a wildcard covering any longer name with the same suffix, and
 * Gateway hosts and `exportTo` lists scope names to namespaces. Short names
 * expand with `resolveHost` (posture/meshIndex).
 */

/**
 * True when the host starts with `*`.
 * @public
 */
export function isWildcardHost(host: string): boolean {
  return host.startsWith('*');
}

/**
 * Whether two hosts overlap: equal names, or a wildcard covering the other
 * (two wildcards overlap when one suffix ends with the other).
 * `*` overlaps everything; `*.foo.com` does not cover `foo.com`.
 * @public
 */
export function hostsOverlap(a: string, b: string): boolean {
  const aWild = isWildcardHost(a);
  const bWild = isWildcardHost(b);
  if (aWild && bWild) {
    return a.length < b.length
      ? b.slice(1).endsWith(a.slice(1))
      : a.slice(1).endsWith(b.slice(1));
  }
  if (aWild) return b.endsWith(a.slice(1));
  if (bWild) return a.endsWith(b.slice(1));
  return a === b;
}

/**
 * The hosts of a Gateway server that a VirtualService in `namespace` may
 * bind: `ns/host` entries count only for that namespace (`.` is the
 * gateway's own, `*` any), plain hosts for every namespace.
 * @public
 */
export function gatewayHostsFor(
  serverHosts: ReadonlyArray<string>,
  gatewayNamespace: string,
  namespace: string,
): string[] {
  const hosts: string[] = [];
  for (const entry of serverHosts) {
    if (typeof entry !== 'string') continue;
    const slash = entry.indexOf('/');
    if (slash < 0) {
      hosts.push(entry);
      continue;
    }
    const scope = entry.slice(0, slash);
    const host = entry.slice(slash + 1);
    const owner = scope === '.' ? gatewayNamespace : scope;
    if (owner === '*' || owner === namespace) hosts.push(host);
  }
  return hosts;
}

/**
 * The namespaces an `exportTo` list makes a resource visible in: `['*']`
 * for everywhere (also when the list is empty), `.` resolved to the
 * resource's own namespace.
 * @public
 */
export function exportScopes(
  exportTo: ReadonlyArray<string> | undefined,
  ownNamespace: string,
): string[] {
  const list = (Array.isArray(exportTo) ? exportTo : []).filter(
    (e): e is string => typeof e === 'string' && e.trim() !== '',
  );
  if (list.length === 0 || list.some(e => e.trim() === '*')) return ['*'];
  return [
    ...new Set(list.map(e => (e.trim() === '.' ? ownNamespace : e.trim()))),
  ];
}
