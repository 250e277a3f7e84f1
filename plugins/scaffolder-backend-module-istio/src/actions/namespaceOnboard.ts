import {
  TemplateAction,
  createTemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { generateNamespaceOnboarding } from '@meshportal/plugin-istio-common';
import { examples } from './namespaceOnboard.examples';
import { startMeshChange, throwIfProblems, writeMeshChange } from './meshFiles';

const ACTION_ID = 'istio:namespace:onboard';

/**
 * `istio:namespace:onboard`: the namespace's injection label, its
 * PeerAuthentication for the chosen stage, workload exceptions and a
 * kustomization listing them.
 * @public
 */
export function createNamespaceOnboardAction(): TemplateAction<any, any> {
  return createTemplateAction({
    id: ACTION_ID,
    description:
      'Writes the manifests that enroll a namespace in the mesh: injection label (namespace manifest or patch), a namespace-wide PeerAuthentication for the stage (PERMISSIVE to start, STRICT to finish), workload exceptions and a kustomization.yaml.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        namespace: z => z.string().describe('Namespace to onboard'),
        revision: z =>
          z
            .string()
            .optional()
            .describe(
              'Istio revision or revision tag (istio.io/rev); without it istio-injection=enabled is used',
            ),
        stage: z =>
          z
            .enum(['permissive', 'strict'])
            .describe('mTLS stage of the namespace-wide PeerAuthentication'),
        manifest: z =>
          z
            .enum(['namespace', 'patch'])
            .optional()
            .describe(
              'namespace: a full Namespace manifest (default); patch: a label patch for an existing namespace',
            ),
        exceptions: z =>
          z
            .array(z.object({}).passthrough())
            .optional()
            .describe(
              'Workload exceptions: [{name, selector: {label: value}, mode, portLevelMtls: {port: mode}}]',
            ),
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
      const generated = generateNamespaceOnboarding(input);
      problems.push(...generated.problems);
      throwIfProblems(ACTION_ID, problems);
      const result = await writeMeshChange(
        {
          action: ACTION_ID,
          workspacePath: ctx.workspacePath,
          directory: directory!,
          files: generated.files,
          kustomization: generated.kustomization,
        },
        ctx.logger,
      );
      ctx.logger.info(`${ACTION_ID}: wrote ${result.files.join(', ')}`);
      ctx.output('files', result.files);
      ctx.output('objects', result.objects as any);
    },
  });
}
