import { sampleReport } from '../testing/sampleReport';
import { renderJson } from './json';

describe('renderJson', () => {
  it('prints workloads and findings with the documented fields in order', () => {
    const document = JSON.parse(renderJson(sampleReport()));
    expect(Object.keys(document).slice(0, 2)).toEqual([
      'workloads',
      'findings',
    ]);
    expect(Object.keys(document.workloads[0]).slice(0, 7)).toEqual([
      'namespace',
      'name',
      'kind',
      'dataplane',
      'pods',
      'injection',
      'mtls',
    ]);
    expect(Object.keys(document.findings[0]).slice(0, 6)).toEqual([
      'code',
      'analyzer',
      'severity',
      'resource',
      'message',
      'remediation',
    ]);
    expect(document.workloads[0].mtls.source).toEqual({
      level: 'namespace',
      policy: 'shop/default',
    });
    expect(document.findings.map((f: { code: string }) => f.code)).toEqual([
      'IST0101',
      'IST0103',
      'MESH001',
      'IST0102',
    ]);
  });
});
