import { analyzeMesh, KubeObject } from '@meshportal/plugin-istio-common';
import { sampleReport } from '../testing/sampleReport';
import { renderTable } from './table';

// The escape that starts every ANSI colour sequence.
const ANSI_ESCAPE = '\u001b[';

describe('renderTable', () => {
  it('groups workloads and findings by namespace, without colour', () => {
    const text = renderTable(sampleReport(), { color: false });
    expect(text).not.toContain(ANSI_ESCAPE);
    const headings = text.split('\n').filter(l => l.startsWith('Namespace '));
    expect(headings).toEqual([
      'Namespace (cluster-scoped)',
      'Namespace legacy',
      'Namespace shop',
    ]);
    const shop = text.slice(text.indexOf('Namespace shop'));
    expect(shop).toMatch(
      /WORKLOAD\s+KIND\s+DATAPLANE\s+PODS\s+REVISION\s+MTLS/,
    );
    expect(shop).toMatch(
      /web\s+Deployment\s+sidecar\s+2\/2\s+canary\s+STRICT \(namespace shop\/default\) ports 8080:PERMISSIVE/,
    );
    expect(shop).toContain('  Error    IST0101  VirtualService shop/web');
    expect(shop).toContain('      at deploy/web.yaml:12');
    expect(shop).toContain(
      '        Create the Service web-v2\n        or fix the host.',
    );
    // The finding about the Namespace object sits with that namespace.
    const legacy = text.slice(
      text.indexOf('Namespace legacy'),
      text.indexOf('Namespace shop'),
    );
    expect(legacy).toContain('  Info     IST0102  Namespace legacy');
    expect(legacy).toMatch(
      /batch\s+Pod\s+none\s+0\/1\s+-\s+PERMISSIVE \(default\)/,
    );
    expect(text.trimEnd().split('\n').pop()).toBe(
      '2 workloads, 1 error, 1 warning, 2 info',
    );
  });

  it('colours severities when asked', () => {
    const text = renderTable(sampleReport(), { color: true });
    expect(text).toContain('\u001b[31mError  \u001b[39m');
  });

  it('says so when there is nothing to report', () => {
    const text = renderTable(
      { workloads: [], clientTls: [], findings: [], problems: [] },
      { color: false },
    );
    expect(text).toBe(
      '0 workloads, 0 errors, 0 warnings, 0 info: no findings\n',
    );
  });

  it('says per port what clients send, and to which workload plaintext goes', () => {
    const objects: KubeObject[] = [
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'shop', labels: { 'istio-injection': 'enabled' } },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'reviews', namespace: 'shop' },
        spec: {
          selector: { matchLabels: { app: 'reviews' } },
          template: {
            metadata: { labels: { app: 'reviews' } },
            spec: { containers: [{ name: 'app', image: 'reviews:1' }] },
          },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'reviews', namespace: 'shop' },
        spec: {
          selector: { app: 'reviews' },
          ports: [
            { name: 'http', port: 9080, targetPort: 9080 },
            { name: 'grpc', port: 9090, targetPort: 9090 },
          ],
        },
      },
      {
        apiVersion: 'security.istio.io/v1',
        kind: 'PeerAuthentication',
        metadata: { name: 'legacy', namespace: 'shop' },
        spec: {
          selector: { matchLabels: { app: 'reviews' } },
          portLevelMtls: { '9080': { mode: 'DISABLE' } },
        },
      },
    ];
    const text = renderTable(analyzeMesh(objects), { color: false });
    const lines = text.split('\n');
    const header = lines.findIndex(l =>
      /^\s+HOST\s+PORT\s+CLIENTS SEND/.test(l),
    );
    expect(header).toBeGreaterThan(-1);
    expect(lines[header + 1]).toMatch(
      /^\s+reviews\.shop\.svc\.cluster\.local\s+all\s+ISTIO_MUTUAL\s+auto mTLS$/,
    );
    expect(lines[header + 2]).toMatch(
      /^\s+reviews\.shop\.svc\.cluster\.local\s+9080\s+DISABLE\s+auto mTLS\s+plaintext to shop\/reviews \(PeerAuthentication shop\/legacy is DISABLE on port 9080\)$/,
    );
    expect(lines[header + 3]).toBe('');
  });
});
