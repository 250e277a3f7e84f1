import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

const step = (name: string, input: Record<string, unknown>) =>
  yaml.stringify({
    steps: [{ id: 'advance', action: 'istio:mtls:advance', name, input }],
  });

export const examples: TemplateExample[] = [
  {
    description:
      'Move a namespace to its next mTLS stage, refusing while blockers exist',
    example: step('Advance shop', { namespace: 'shop' }),
  },
  {
    description:
      'Advance on one cluster only, enrolling with a revision tag when not yet enrolled',
    example: step('Advance shop on prod-eu', {
      namespace: 'shop',
      cluster: 'prod-eu',
      revision: 'stable',
    }),
  },
  {
    description:
      'Go STRICT although blockers were reported (they are listed in the log and the output)',
    example: step('Force STRICT', {
      namespace: 'shop',
      overrideBlockers: true,
    }),
  },
];
