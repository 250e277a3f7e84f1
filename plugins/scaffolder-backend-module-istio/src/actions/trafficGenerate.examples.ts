import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

const step = (name: string, input: Record<string, unknown>) =>
  yaml.stringify({
    steps: [{ id: 'traffic', action: 'istio:traffic:generate', name, input }],
  });

export const examples: TemplateExample[] = [
  {
    description: 'A canary that sends 10% of requests to v2',
    example: step('Canary 90/10', {
      service: 'reviews',
      namespace: 'shop',
      versions: ['v1', 'v2'],
      pattern: {
        type: 'canary',
        steps: [
          [
            { subset: 'v1', weight: 90 },
            { subset: 'v2', weight: 10 },
          ],
        ],
      },
    }),
  },
  {
    description:
      'Dark launch: requests with the header x-canary: true go to v2',
    example: step('Dark launch', {
      service: 'reviews',
      namespace: 'shop',
      versions: ['v1', 'v2'],
      pattern: {
        type: 'header-routing',
        rules: [
          {
            headers: [{ name: 'x-canary', match: 'exact', value: 'true' }],
            subset: 'v2',
          },
        ],
        defaultSubset: 'v1',
      },
      resilience: {
        timeout: '2s',
        retries: {
          attempts: 3,
          perTryTimeout: '500ms',
          retryOn: 'gateway-error,connect-failure,refused-stream',
        },
      },
    }),
  },
  {
    description: 'Blue-green behind the ingress gateway, with circuit breaking',
    example: step('Blue-green', {
      service: 'web',
      namespace: 'shop',
      port: 8080,
      versions: ['blue', 'green'],
      pattern: { type: 'blue-green', active: 'blue', idle: 'green' },
      resilience: {
        circuitBreaker: {
          maxConnections: 100,
          http1MaxPendingRequests: 10,
          consecutive5xxErrors: 5,
          interval: '10s',
          baseEjectionTime: '30s',
        },
      },
      exposure: { gateway: 'shop-gateway', hosts: ['shop.example.com'] },
    }),
  },
  {
    description: 'Fault injection in staging: delay 10% of requests by 5s',
    example: step('Delay faults', {
      service: 'ratings',
      namespace: 'shop-staging',
      versions: ['v1'],
      environment: 'staging',
      pattern: { type: 'canary', steps: [[{ subset: 'v1', weight: 100 }]] },
      resilience: {
        faultInjection: { delay: { percentage: 10, fixedDelay: '5s' } },
      },
    }),
  },
];
