import { analyzeMesh } from '../../analysis/analyzeMesh';
import { KubeObject } from '../../model/resources';
import { namespace } from '../../posture/testObjects';
import { parseDuration } from './trafficPatterns';

function vs(ns: string, spec: object, name = 'reviews'): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name, namespace: ns },
    spec: { hosts: ['reviews'], ...spec },
  };
}

const dest = (subset: string, weight?: unknown) => ({
  destination: { host: 'reviews', subset },
  ...(weight === undefined ? {} : { weight }),
});

function run(objects: KubeObject[]) {
  return analyzeMesh(objects, { analyzers: ['traffic.PatternAnalyzer'] })
    .findings;
}

const codes = (objects: KubeObject[]) => run(objects).map(f => f.code);

describe('traffic.PatternAnalyzer', () => {
  describe('MESH101 canary weights', () => {
    it('fires when weights do not sum to 100, with a balanced fix', () => {
      const [finding] = run([
        vs('shop', { http: [{ route: [dest('v1', 60), dest('v2', 60)] }] }),
      ]);
      expect(finding).toMatchObject({
        code: 'MESH101',
        resource: 'VirtualService shop/reviews',
      });
      expect(finding.message).toContain('sum to 120');
      expect(finding.remediation).toContain('"value":50');
    });

    it('fires for a weight outside 0..100 or not a number, without throwing', () => {
      expect(
        codes([
          vs('shop', { http: [{ route: [dest('v1', 150), dest('v2', -50)] }] }),
        ]),
      ).toEqual(['MESH101']);
      expect(
        codes([
          vs('shop', {
            tcp: [{ route: [dest('v1', 'ninety'), dest('v2', 10)] }],
          }),
        ]),
      ).toEqual(['MESH101']);
      expect(
        codes([vs('shop', { http: [{ route: [dest('v1', 100.5)] }] })]),
      ).toEqual(['MESH101']);
    });

    it('explains relative shares, and a total of 0 that Istio rejects', () => {
      const [relative] = run([
        vs('shop', { http: [{ route: [dest('v1', 150), dest('v2', 50)] }] }),
      ]);
      expect(relative.message).toContain('75%, 25%');
      expect(relative.remediation).toContain('"value":75');
      const [none] = run([
        vs('shop', { http: [{ route: [dest('v1'), dest('v2')] }] }),
      ]);
      expect(none.message).toContain('total destination weight = 0');
      expect(none.remediation).toContain('"value":50');
    });

    it('does not fire for weights summing to 100, or a single destination without weight', () => {
      expect(
        codes([
          vs('shop', { http: [{ route: [dest('v1', 90), dest('v2', 10)] }] }),
        ]),
      ).toEqual([]);
      expect(
        codes([
          vs('shop', { http: [{ route: [dest('v1', 100), dest('v2', 0)] }] }),
        ]),
      ).toEqual([]);
      expect(codes([vs('shop', { http: [{ route: [dest('v1')] }] })])).toEqual(
        [],
      );
    });
  });

  describe('MESH102 fault injection in production', () => {
    const faulty = {
      http: [
        {
          fault: { abort: { percentage: { value: 10 }, httpStatus: 503 } },
          route: [dest('v1')],
        },
      ],
    };

    it('fires in a namespace labelled production', () => {
      const findings = run([
        namespace('shop', { 'meshportal.io/environment': 'production' }),
        vs('shop', faulty),
      ]);
      expect(findings.map(f => f.code)).toEqual(['MESH102']);
      expect(findings[0].remediation).toContain('"path":"/spec/http/0/fault"');
    });

    it('fires when the route targets a production namespace from elsewhere', () => {
      const spec = {
        http: [
          {
            fault: { delay: { fixedDelay: '5s' } },
            route: [
              { destination: { host: 'reviews.shop.svc.cluster.local' } },
            ],
          },
        ],
      };
      expect(
        codes([
          namespace('shop', { environment: 'production' }),
          vs('qa', spec),
        ]),
      ).toEqual(['MESH102']);
    });

    it('does not fire outside production', () => {
      expect(
        codes([
          namespace('shop', { environment: 'staging' }),
          vs('shop', faulty),
        ]),
      ).toEqual([]);
    });
  });

  describe('MESH103 retries without a useful perTryTimeout', () => {
    it('fires without perTryTimeout', () => {
      const [finding] = run([
        vs('shop', {
          http: [
            { timeout: '6s', retries: { attempts: 2 }, route: [dest('v1')] },
          ],
        }),
      ]);
      expect(finding.code).toBe('MESH103');
      expect(finding.remediation).toContain('"value":"2s"');
    });

    it('fires when perTryTimeout is not shorter than the timeout, or not a duration', () => {
      const longTry = {
        http: [
          {
            timeout: '2s',
            retries: { attempts: 3, perTryTimeout: '2000ms' },
            route: [dest('v1')],
          },
        ],
      };
      const badTry = {
        http: [
          {
            retries: { attempts: 3, perTryTimeout: 'soon' },
            route: [dest('v1')],
          },
        ],
      };
      expect(codes([vs('shop', longTry)])).toEqual(['MESH103']);
      expect(codes([vs('shop', badTry)])).toEqual(['MESH103']);
    });

    it('does not fire with a shorter perTryTimeout, or with retries disabled', () => {
      const good = {
        http: [
          {
            timeout: '6s',
            retries: { attempts: 3, perTryTimeout: '1.5s' },
            route: [dest('v1')],
          },
        ],
      };
      const off = { http: [{ retries: { attempts: 0 }, route: [dest('v1')] }] };
      expect(codes([vs('shop', good)])).toEqual([]);
      expect(codes([vs('shop', off)])).toEqual([]);
    });
  });

  describe('MESH104 mirror percentage', () => {
    const mirror = { host: 'reviews', subset: 'v2' };

    it('fires for a percentage above 100 and for a percentage without mirror', () => {
      expect(
        codes([
          vs('shop', {
            http: [
              { route: [dest('v1')], mirror, mirrorPercentage: { value: 150 } },
            ],
          }),
        ]),
      ).toEqual(['MESH104']);
      expect(
        codes([
          vs('shop', {
            http: [{ route: [dest('v1')], mirrorPercentage: { value: 10 } }],
          }),
        ]),
      ).toEqual(['MESH104']);
      expect(
        codes([
          vs('shop', {
            http: [
              {
                route: [dest('v1')],
                mirrors: [{ destination: mirror, percentage: { value: -1 } }],
              },
            ],
          }),
        ]),
      ).toEqual(['MESH104']);
    });

    it('does not fire for a valid mirror', () => {
      expect(
        codes([
          vs('shop', {
            http: [
              { route: [dest('v1')], mirror, mirrorPercentage: { value: 25 } },
            ],
          }),
        ]),
      ).toEqual([]);
    });
  });

  it('never throws on malformed VirtualServices', () => {
    const bad = [
      vs('shop', { http: 'x', tcp: [null, { route: 'y' }] }),
      vs(
        'shop',
        { http: [null, { retries: 'x', fault: 7, mirrorPercentage: 'x' }] },
        'b',
      ),
    ];
    expect(() => run(bad)).not.toThrow();
  });
});

describe('parseDuration', () => {
  it('reads Go durations in milliseconds', () => {
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('1m30s')).toBe(90000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('2')).toBeUndefined();
    expect(parseDuration(5)).toBeUndefined();
  });
});
