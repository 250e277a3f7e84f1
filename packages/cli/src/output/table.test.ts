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
});
