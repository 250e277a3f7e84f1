import {
  TrafficPatternInput,
  flipBlueGreen,
  generateTrafficPattern,
  hasFaultInjection,
  validateTrafficPattern,
} from './trafficPattern';

const HOST = 'reviews.shop.svc.cluster.local';

function base(pattern: unknown, extra: Record<string, unknown> = {}) {
  return {
    service: 'reviews',
    namespace: 'shop',
    versions: ['v1', 'v2'],
    pattern,
    ...extra,
  };
}

function generate(input: unknown) {
  const result = generateTrafficPattern(input);
  expect(result.problems).toEqual([]);
  const byKind = Object.fromEntries(result.objects.map(o => [o.kind, o]));
  return {
    objects: result.objects,
    vs: byKind.VirtualService,
    dr: byKind.DestinationRule,
    gw: byKind.Gateway,
  };
}

function problemsOf(input: unknown) {
  return validateTrafficPattern(input).problems;
}

describe('generateTrafficPattern', () => {
  it('writes a canary step as weighted routes and one subset per version', () => {
    const { vs, dr, objects } = generate(
      base({
        type: 'canary',
        steps: [
          [
            { subset: 'v1', weight: 90 },
            { subset: 'v2', weight: 10 },
          ],
          [
            { subset: 'v1', weight: 50 },
            { subset: 'v2', weight: 50 },
          ],
        ],
        step: 1,
      }),
    );
    expect(objects.map(o => `${o.apiVersion} ${o.kind}`)).toEqual([
      'networking.istio.io/v1 VirtualService',
      'networking.istio.io/v1 DestinationRule',
    ]);
    expect(vs.metadata).toMatchObject({ name: 'reviews', namespace: 'shop' });
    expect(vs.spec).toEqual({
      hosts: [HOST],
      http: [
        {
          name: 'canary',
          route: [
            { destination: { host: HOST, subset: 'v1' }, weight: 50 },
            { destination: { host: HOST, subset: 'v2' }, weight: 50 },
          ],
        },
      ],
    });
    expect(dr.spec).toEqual({
      host: HOST,
      subsets: [
        { name: 'v1', labels: { version: 'v1' } },
        { name: 'v2', labels: { version: 'v2' } },
      ],
    });
  });

  it('renders the first canary step by default and adds the port when given', () => {
    const { vs } = generate(
      base(
        {
          type: 'canary',
          steps: [
            [
              { subset: 'v1', weight: 80 },
              { subset: 'v2', weight: 20 },
            ],
          ],
        },
        { port: 9080 },
      ),
    );
    expect(vs.spec.http[0].route).toEqual([
      {
        destination: { host: HOST, subset: 'v1', port: { number: 9080 } },
        weight: 80,
      },
      {
        destination: { host: HOST, subset: 'v2', port: { number: 9080 } },
        weight: 20,
      },
    ]);
  });

  it('sends all traffic to the active side in blue-green, and flips in one step', () => {
    const pattern = { type: 'blue-green' as const, active: 'v1', idle: 'v2' };
    const weights = (p: unknown) =>
      generate(base(p)).vs.spec.http[0].route.map((r: any) => [
        r.destination.subset,
        r.weight,
      ]);
    expect(weights(pattern)).toEqual([
      ['v1', 100],
      ['v2', 0],
    ]);
    expect(weights(flipBlueGreen(pattern))).toEqual([
      ['v2', 100],
      ['v1', 0],
    ]);
  });

  it('routes matching headers and cookies first, then the default route', () => {
    const { vs } = generate(
      base({
        type: 'header-routing',
        rules: [
          {
            name: 'canary-header',
            headers: [{ name: 'X-Canary', match: 'exact', value: 'true' }],
            subset: 'v2',
          },
          {
            cookie: { name: 'user', value: 'jason.p' },
            uri: { match: 'prefix', value: '/api' },
            subset: 'v2',
          },
          {
            headers: [
              { name: 'x-group', match: 'regex', value: '^beta-[0-9]+$' },
            ],
            subset: 'v2',
          },
        ],
        defaultSubset: 'v1',
      }),
    );
    expect(vs.spec.http.map((r: any) => r.name)).toEqual([
      'canary-header',
      'rule-2',
      'rule-3',
      'default',
    ]);
    expect(vs.spec.http[0].match).toEqual([
      { headers: { 'x-canary': { exact: 'true' } } },
    ]);
    const cookieMatch = vs.spec.http[1].match[0];
    expect(cookieMatch.uri).toEqual({ prefix: '/api' });
    const cookie = new RegExp(cookieMatch.headers.cookie.regex);
    expect(cookie.test('user=jason.p')).toBe(true);
    expect(cookie.test('a=1; user=jason.p; b=2')).toBe(true);
    expect(cookie.test('user=jasonXp')).toBe(false);
    expect(cookie.test('otheruser=jason.p')).toBe(false);
    expect(vs.spec.http[2].match[0].headers['x-group']).toEqual({
      regex: '^beta-[0-9]+$',
    });
    expect(vs.spec.http[3]).toEqual({
      name: 'default',
      route: [{ destination: { host: HOST, subset: 'v1' } }],
    });
  });

  it('mirrors a percentage of requests to another subset', () => {
    const { vs } = generate(
      base({
        type: 'mirror',
        subset: 'v1',
        mirrorSubset: 'v2',
        percentage: 25.5,
      }),
    );
    expect(vs.spec.http[0]).toEqual({
      name: 'mirror',
      route: [{ destination: { host: HOST, subset: 'v1' } }],
      mirror: { host: HOST, subset: 'v2' },
      mirrorPercentage: { value: 25.5 },
    });
  });

  it('shifts TCP connections by weight on the given port', () => {
    const { vs } = generate(
      base(
        {
          type: 'tcp-shift',
          routes: [
            { subset: 'v1', weight: 70 },
            { subset: 'v2', weight: 30 },
          ],
        },
        { port: 5432 },
      ),
    );
    expect(vs.spec.http).toBeUndefined();
    expect(vs.spec.tcp).toEqual([
      {
        match: [{ port: 5432 }],
        route: [
          {
            destination: { host: HOST, subset: 'v1', port: { number: 5432 } },
            weight: 70,
          },
          {
            destination: { host: HOST, subset: 'v2', port: { number: 5432 } },
            weight: 30,
          },
        ],
      },
    ]);
  });

  it('adds timeouts, retries and fault injection to every HTTP route', () => {
    const { vs } = generate(
      base(
        {
          type: 'header-routing',
          rules: [
            { headers: [{ name: 'x-canary', value: 'true' }], subset: 'v2' },
          ],
          defaultSubset: 'v1',
        },
        {
          resilience: {
            timeout: '2s',
            retries: {
              attempts: 3,
              perTryTimeout: '500ms',
              retryOn: 'gateway-error,connect-failure,refused-stream',
            },
            faultInjection: {
              delay: { percentage: 10, fixedDelay: '5s' },
              abort: { percentage: 1.5, httpStatus: 503 },
            },
          },
        },
      ),
    );
    for (const route of vs.spec.http) {
      expect(route.timeout).toBe('2s');
      expect(route.retries).toEqual({
        attempts: 3,
        perTryTimeout: '500ms',
        retryOn: 'gateway-error,connect-failure,refused-stream',
      });
      expect(route.fault).toEqual({
        delay: { percentage: { value: 10 }, fixedDelay: '5s' },
        abort: { percentage: { value: 1.5 }, httpStatus: 503 },
      });
    }
  });

  it('puts circuit breaking in the DestinationRule traffic policy', () => {
    const { dr } = generate(
      base(
        { type: 'blue-green', active: 'v1', idle: 'v2' },
        {
          versionLabel: 'app.kubernetes.io/version',
          resilience: {
            circuitBreaker: {
              maxConnections: 100,
              http1MaxPendingRequests: 10,
              http2MaxRequests: 1000,
              consecutive5xxErrors: 5,
              interval: '10s',
              baseEjectionTime: '30s',
              maxEjectionPercent: 50,
            },
          },
        },
      ),
    );
    expect(dr.spec.trafficPolicy).toEqual({
      connectionPool: {
        tcp: { maxConnections: 100 },
        http: { http1MaxPendingRequests: 10, http2MaxRequests: 1000 },
      },
      outlierDetection: {
        consecutive5xxErrors: 5,
        interval: '10s',
        baseEjectionTime: '30s',
        maxEjectionPercent: 50,
      },
    });
    expect(dr.spec.subsets[0]).toEqual({
      name: 'v1',
      labels: { 'app.kubernetes.io/version': 'v1' },
    });
  });

  it('exposes the service through an ingress Gateway while keeping mesh routing', () => {
    const { vs, gw } = generate(
      base(
        { type: 'blue-green', active: 'v1', idle: 'v2' },
        { exposure: { gateway: 'shop-gateway', hosts: ['shop.example.com'] } },
      ),
    );
    expect(vs.spec.hosts).toEqual([HOST, 'shop.example.com']);
    expect(vs.spec.gateways).toEqual(['shop/shop-gateway', 'mesh']);
    expect(gw).toEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: {
        name: 'shop-gateway',
        namespace: 'shop',
        labels: { 'app.kubernetes.io/managed-by': 'meshportal' },
      },
      spec: {
        selector: { istio: 'ingressgateway' },
        servers: [
          {
            port: { number: 80, name: 'http', protocol: 'HTTP' },
            hosts: ['shop.example.com'],
          },
        ],
      },
    });
  });

  it('generates nothing when the input has problems', () => {
    const result = generateTrafficPattern(
      base({ type: 'canary', steps: [[{ subset: 'v1', weight: 90 }]] }),
    );
    expect(result.objects).toEqual([]);
    expect(result.problems).toEqual([
      {
        field: 'pattern.steps[0]',
        message: 'weights add up to 90; they must add up to 100',
      },
    ]);
  });

  it('tells whether fault injection is asked', () => {
    const value = validateTrafficPattern(
      base(
        { type: 'blue-green', active: 'v1', idle: 'v2' },
        {
          resilience: {
            faultInjection: { abort: { percentage: 5, httpStatus: 500 } },
          },
        },
      ),
    ).value as TrafficPatternInput;
    expect(hasFaultInjection(value)).toBe(true);
    expect(hasFaultInjection({ resilience: { timeout: '1s' } })).toBe(false);
  });
});

describe('validateTrafficPattern', () => {
  const fields = (input: unknown) => problemsOf(input).map(p => p.field);

  it('lists every problem of an input at once', () => {
    const problems = problemsOf({
      service: 'Reviews;rm -rf',
      namespace: 'shop\nkind: Secret',
      port: 70000,
      versions: ['v1', 'V_2'],
      pattern: {
        type: 'canary',
        steps: [
          [
            { subset: 'v1', weight: 60 },
            { subset: 'v3', weight: 30 },
          ],
        ],
      },
      resilience: { timeout: '2 seconds' },
    });
    expect(problems.map(p => p.field)).toEqual([
      'service',
      'namespace',
      'port',
      'versions[1]',
      'pattern.steps[0][1].subset',
      'pattern.steps[0]',
      'resilience.timeout',
    ]);
    expect(problems[0].message).toMatch(/is not a valid name/);
    expect(problems[2].message).toBe('must be between 1 and 65535, got 70000');
    expect(problems[4].message).toBe('"v3" is not one of the versions');
    expect(problems[5].message).toBe(
      'weights add up to 90; they must add up to 100',
    );
  });

  it('requires the service, namespace, versions and pattern', () => {
    expect(problemsOf({})).toEqual([
      { field: 'service', message: 'is required' },
      { field: 'namespace', message: 'is required' },
      { field: 'versions', message: 'is required' },
      { field: 'pattern', message: 'is required' },
    ]);
    expect(problemsOf('not an object')[0]).toEqual({
      field: 'input',
      message: 'must be an object',
    });
  });

  it('needs at least one version and at least one subset per weighted route', () => {
    expect(
      fields(base({ type: 'tcp-shift', routes: [] }, { versions: [] })),
    ).toEqual(['versions', 'pattern.routes']);
    expect(fields(base({ type: 'canary', steps: [] }))).toEqual([
      'pattern.steps',
    ]);
  });

  it('rejects an unknown pattern, a duplicate subset and out of range weights', () => {
    expect(problemsOf(base({ type: 'rainbow' }))).toEqual([
      {
        field: 'pattern.type',
        message:
          'must be one of canary, blue-green, header-routing, mirror, tcp-shift',
      },
    ]);
    expect(
      fields(
        base({
          type: 'tcp-shift',
          routes: [
            { subset: 'v1', weight: 50 },
            { subset: 'v1', weight: 50 },
          ],
        }),
      ),
    ).toEqual(['pattern.routes[1].subset']);
    expect(
      fields(
        base({
          type: 'tcp-shift',
          routes: [
            { subset: 'v1', weight: 150 },
            { subset: 'v2', weight: 2.5 },
          ],
        }),
      ),
    ).toEqual(['pattern.routes[0].weight', 'pattern.routes[1].weight']);
    expect(
      fields(
        base({
          type: 'canary',
          steps: [[{ subset: 'v1', weight: 100 }]],
          step: 3,
        }),
      ),
    ).toEqual(['pattern.step']);
  });

  it('checks blue-green and mirror sides', () => {
    expect(
      fields(base({ type: 'blue-green', active: 'v1', idle: 'v1' })),
    ).toEqual(['pattern.idle']);
    expect(fields(base({ type: 'blue-green', active: 'v9' }))).toEqual([
      'pattern.active',
      'pattern.idle',
    ]);
    expect(
      problemsOf(
        base({
          type: 'mirror',
          subset: 'v1',
          mirrorSubset: 'v2',
          percentage: 120,
        }),
      ),
    ).toEqual([
      {
        field: 'pattern.percentage',
        message: 'must be a percentage between 0 and 100, got 120',
      },
    ]);
    expect(
      fields(
        base({
          type: 'mirror',
          subset: 'v1',
          mirrorSubset: 'v1',
          percentage: 5,
        }),
      ),
    ).toEqual(['pattern.mirrorSubset']);
  });

  it('checks header routing rules', () => {
    expect(
      fields(
        base({
          type: 'header-routing',
          rules: [
            { subset: 'v2' },
            { headers: [{ name: 'x canary', value: 'a' }], subset: 'v2' },
            {
              headers: [{ name: 'x-a', match: 'glob', value: 'a' }],
              subset: 'v2',
            },
            {
              headers: [{ name: 'x-a', match: 'regex', value: '([' }],
              subset: 'v2',
            },
            { cookie: { name: 'user', value: 'a;b' }, subset: 'v2' },
          ],
          defaultSubset: 'v1',
        }),
      ),
    ).toEqual([
      'pattern.rules[0]',
      'pattern.rules[1].headers[0].name',
      'pattern.rules[2].headers[0].match',
      'pattern.rules[3].headers[0].value',
      'pattern.rules[4].cookie.value',
    ]);
  });

  it('checks durations, retries, percentages and HTTP-only settings', () => {
    expect(
      fields(
        base(
          { type: 'tcp-shift', routes: [{ subset: 'v1', weight: 100 }] },
          {
            resilience: {
              timeout: '1s',
              retries: {
                attempts: -1,
                perTryTimeout: '0s',
                retryOn: '5xx,sometimes',
              },
              circuitBreaker: {
                maxConnections: 0,
                interval: '10',
                maxEjectionPercent: 101,
              },
              faultInjection: {
                delay: { percentage: -1, fixedDelay: '1d' },
                abort: { percentage: 10, httpStatus: 99 },
              },
            },
            exposure: { gateway: 'gw', hosts: ['Bad Host'] },
          },
        ),
      ),
    ).toEqual([
      'resilience.timeout',
      'resilience.retries',
      'resilience.faultInjection',
      'resilience.retries.attempts',
      'resilience.retries.perTryTimeout',
      'resilience.retries.retryOn',
      'resilience.circuitBreaker.maxConnections',
      'resilience.circuitBreaker.interval',
      'resilience.circuitBreaker.maxEjectionPercent',
      'resilience.faultInjection.delay.percentage',
      'resilience.faultInjection.delay.fixedDelay',
      'resilience.faultInjection.abort.httpStatus',
      'exposure',
      'exposure.hosts[0]',
    ]);
    expect(
      fields(
        base(
          { type: 'blue-green', active: 'v1', idle: 'v2' },
          { resilience: { faultInjection: { delay: { percentage: 5 } } } },
        ),
      ),
    ).toEqual(['resilience.faultInjection.delay.fixedDelay']);
  });

  it('refuses oversized strings and a bad version label', () => {
    const problems = problemsOf(
      base(
        { type: 'blue-green', active: 'v1', idle: 'v2' },
        { service: 'a'.repeat(10_000_000), versionLabel: 'bad key!' },
      ),
    );
    expect(problems.map(p => p.field)).toEqual(['service', 'versionLabel']);
    expect(problems[0].message).toBe(
      'is 10000000 characters long; at most 4096 are accepted',
    );
  });
});

describe('validateTrafficPattern with form input', () => {
  it('treats sections whose fields are all unset as not asked', () => {
    const { value, problems } = validateTrafficPattern(
      base(
        { type: 'blue-green', active: 'v1', idle: 'v2' },
        {
          resilience: {
            timeout: '',
            retries: {},
            faultInjection: { delay: {}, abort: { percentage: undefined } },
          },
          exposure: {},
        },
      ),
    );
    expect(problems).toEqual([]);
    expect(value?.resilience).toBeUndefined();
    expect(value?.exposure).toBeUndefined();
  });
});
