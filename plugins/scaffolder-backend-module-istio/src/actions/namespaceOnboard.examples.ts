import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

const step = (name: string, input: Record<string, unknown>) =>
  yaml.stringify({
    steps: [{ id: 'onboard', action: 'istio:namespace:onboard', name, input }],
  });

export const examples: TemplateExample[] = [
  {
    description:
      'Enroll an existing namespace with the default revision, PERMISSIVE first',
    example: step('Onboard shop', {
      namespace: 'shop',
      stage: 'permissive',
      manifest: 'patch',
    }),
  },
  {
    description:
      'A new namespace on a revision tag, STRICT, with one workload left PERMISSIVE',
    example: step('Onboard payments', {
      namespace: 'payments',
      revision: 'stable',
      stage: 'strict',
      exceptions: [
        {
          name: 'legacy-batch',
          selector: { app: 'legacy-batch' },
          mode: 'PERMISSIVE',
        },
      ],
    }),
  },
  {
    description:
      'Keep a metrics port in plaintext for a scraper outside the mesh',
    example: step('Onboard web', {
      namespace: 'web',
      stage: 'strict',
      manifest: 'patch',
      exceptions: [
        {
          name: 'web-metrics',
          selector: { app: 'web' },
          portLevelMtls: { '9090': 'PERMISSIVE' },
        },
      ],
    }),
  },
];
