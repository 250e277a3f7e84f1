import {
  TemplateAction,
  createTemplateAction,
} from '@backstage/plugin-scaffolder-node';
import {
  GeneratedFile,
  KubeObject,
  TrafficPatternInput,
  generateTrafficPattern,
  hasFaultInjection,
  validateTrafficPattern,
} from '@meshportal/plugin-istio-common';
import { examples } from './trafficGenerate.examples';
import { startMeshChange, throwIfProblems, writeMeshChange } from './meshFiles';

const ACTION_ID = 'istio:traffic:generate';

/** Namespace labels MeshPortal reads as "this is production". */
const PRODUCTION_LABELS = ['meshportal.io/environment', 'environment'];

function isProduction(environment: unknown, labels: unknown): boolean {
  if (environment === 'production') return true;
  if (!labels || typeof labels !== 'object') return false;
  const record = labels as Record<string, unknown>;
  return PRODUCTION_LABELS.some(l => record[l] === 'production');
}

function fileName(object: KubeObject): string {
  const kind = (object.kind ?? '')
    .replace(/([a-z])([A-Z])/g, '$1-$2')
    .toLowerCase();
  return `${object.metadata?.name}-${kind}.yaml`;
}

/**
 * `istio:traffic:generate`: writes a VirtualService, a DestinationRule and
 * optionally an ingress Gateway for one service and one traffic pattern.
 * @public
 */
export function createTrafficGenerateAction(): TemplateAction<any, any> {
  return createTemplateAction({
    id: ACTION_ID,
    description:
      'Writes the VirtualService and DestinationRule (and a Gateway when exposure is asked) of a traffic pattern for one service: canary, blue-green, header routing, mirroring or TCP shifting, with optional timeouts, retries, circuit breaking and fault injection.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        service: z => z.string().describe('Kubernetes Service name'),
        namespace: z => z.string().describe('Namespace of the Service'),
        port: z =>
          z
            .number()
            .optional()
            .describe(
              'Service port to route to (needed when the Service has several ports)',
            ),
        versions: z =>
          z
            .array(z.string())
            .describe(
              'Values of the pods\u2019 version label; one DestinationRule subset each',
            ),
        versionLabel: z =>
          z
            .string()
            .optional()
            .describe(
              'The pod label that tells versions apart (default: version)',
            ),
        pattern: z =>
          z
            .object({
              type: z
                .enum([
                  'canary',
                  'blue-green',
                  'header-routing',
                  'mirror',
                  'tcp-shift',
                ])
                .describe('The traffic pattern'),
            })
            .passthrough()
            .describe(
              'canary {steps: [[{subset, weight}]], step}; blue-green {active, idle}; header-routing {rules: [{headers: [{name, match, value}], cookie: {name, value}, uri, subset}], defaultSubset}; mirror {subset, mirrorSubset, percentage}; tcp-shift {routes: [{subset, weight}]}',
            ),
        resilience: z =>
          z
            .object({})
            .passthrough()
            .optional()
            .describe(
              'timeout, retries {attempts, perTryTimeout, retryOn}, circuitBreaker {...}, faultInjection {delay, abort}',
            ),
        exposure: z =>
          z
            .object({})
            .passthrough()
            .optional()
            .describe('Ingress exposure: {gateway, hosts, port}'),
        environment: z =>
          z
            .string()
            .optional()
            .describe(
              'Environment of the namespace; "production" refuses fault injection',
            ),
        namespaceLabels: z =>
          z
            .record(z.string(), z.string())
            .optional()
            .describe(
              'Labels of the namespace (environment=production refuses fault injection)',
            ),
        allowFaultInjectionInProduction: z =>
          z
            .boolean()
            .optional()
            .describe('Allow fault injection in a production namespace'),
        path: z =>
          z
            .string()
            .optional()
            .describe('Workspace directory to write into (default: istio)'),
      },
      output: {
        files: z => z.array(z.string()).describe('Workspace paths written'),
        objects: z =>
          z
            .array(z.record(z.string(), z.any()))
            .describe('The generated Kubernetes objects'),
      },
    },
    async handler(ctx) {
      const input = ctx.input as Record<string, unknown>;
      const { problems, directory } = startMeshChange(ctx.workspacePath, input);
      const { value, problems: patternProblems } =
        validateTrafficPattern(input);
      problems.push(...patternProblems);
      // Checked on the raw input too, so the refusal is listed with the
      // other problems when the input has some.
      const faults = value
        ? hasFaultInjection(value)
        : hasFaultInjection(input as Pick<TrafficPatternInput, 'resilience'>);
      if (
        faults &&
        isProduction(input.environment, input.namespaceLabels) &&
        input.allowFaultInjectionInProduction !== true
      ) {
        problems.push({
          field: 'resilience.faultInjection',
          message: `fault injection is refused in production namespace "${String(
            input.namespace,
          ).slice(
            0,
            63,
          )}"; set allowFaultInjectionInProduction: true to inject faults there anyway`,
        });
      }
      throwIfProblems(ACTION_ID, problems);
      const { objects } = generateTrafficPattern(value);
      const files: GeneratedFile[] = objects.map(o => ({
        path: fileName(o),
        objects: [o],
      }));
      const result = await writeMeshChange(
        {
          action: ACTION_ID,
          workspacePath: ctx.workspacePath,
          directory: directory!,
          files,
          kustomization: { resources: files.map(f => f.path), patches: [] },
        },
        ctx.logger,
      );
      ctx.logger.info(`${ACTION_ID}: wrote ${result.files.join(', ')}`);
      ctx.output('files', result.files);
      ctx.output('objects', result.objects as any);
    },
  });
}
