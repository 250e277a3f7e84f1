import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  TemplateAction,
  createTemplateAction,
} from '@backstage/plugin-scaffolder-node';
import {
  MtlsStage,
  ProblemList,
  describeBlocker,
  generateNamespaceOnboarding,
  nextMtlsStage,
} from '@meshportal/plugin-istio-common';
import {
  MeshReadinessService,
  NamespaceReadiness,
} from '../readiness/MeshReadinessClient';
import { examples } from './mtlsAdvance.examples';
import { startMeshChange, throwIfProblems, writeMeshChange } from './meshFiles';
import { refusal } from './refusal';

const ACTION_ID = 'istio:mtls:advance';

/**
 * The wave stage of the backend's readiness stages: `ready-for-strict` and
 * `exception` namespaces are enrolled and not yet STRICT.
 */
function waveStage(stage: string): MtlsStage {
  if (stage === 'not-enrolled') return 'not-enrolled';
  if (stage === 'strict') return 'strict';
  return 'permissive';
}

/**
 * An `unverified` namespace as refusals: each reason the evidence falls
 * short (no telemetry, a short window, partial data).
 */
function unverifiedBlockers(entry: NamespaceReadiness): string[] {
  if (entry.stage !== 'unverified') return [];
  const where = `${entry.cluster}/${entry.namespace}`;
  const reasons = entry.unverifiedReasons ?? [];
  return reasons.length
    ? reasons.map(r => `${where}: unverified: ${r.message}`)
    : [`${where}: unverified: the backend gave no evidence of readiness`];
}

const WAVE_ORDER: MtlsStage[] = ['not-enrolled', 'permissive', 'strict'];

/** The least advanced stage across clusters: a namespace moves as one. */
function currentStage(entries: NamespaceReadiness[]): MtlsStage {
  return entries
    .map(e => waveStage(e.stage))
    .reduce(
      (a, b) => (WAVE_ORDER.indexOf(b) < WAVE_ORDER.indexOf(a) ? b : a),
      'strict',
    );
}

/**
 * `istio:mtls:advance`: moves a namespace to the next wave stage
 * (not-enrolled, permissive, strict) after asking the MeshPortal backend
 * what would break.
 * @public
 */
export function createMtlsAdvanceAction(options: {
  readiness: MeshReadinessService;
}): TemplateAction<any, any> {
  const { readiness } = options;
  return createTemplateAction({
    id: ACTION_ID,
    description:
      'Moves a namespace to its next mTLS stage (not-enrolled -> permissive -> strict). Reads the namespace\u2019s readiness from the MeshPortal backend first and refuses to go STRICT while blockers exist or the verdict is unverified (no telemetry, a window shorter than configured, partial data), unless overrideBlockers is true.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        namespace: z => z.string().describe('Namespace to advance'),
        cluster: z =>
          z
            .string()
            .optional()
            .describe(
              'Only this cluster\u2019s readiness counts (default: every cluster)',
            ),
        revision: z =>
          z
            .string()
            .optional()
            .describe(
              'Istio revision or tag, when the namespace is enrolled by this step',
            ),
        manifest: z =>
          z
            .enum(['namespace', 'patch'])
            .optional()
            .describe(
              'When enrolling: patch (default) the existing namespace or write a full manifest',
            ),
        exceptions: z =>
          z
            .array(z.object({}).passthrough())
            .optional()
            .describe(
              'Workload exceptions to keep (see istio:namespace:onboard)',
            ),
        overrideBlockers: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Go STRICT even though blockers exist or the verdict is unverified',
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
        fromStage: z => z.string().describe('Stage before the change'),
        toStage: z =>
          z
            .string()
            .describe('Stage the written manifests put the namespace in'),
        blockers: z =>
          z
            .array(z.string())
            .describe(
              'Blockers and unverified reasons overridden (empty unless overrideBlockers)',
            ),
      },
    },
    async handler(ctx) {
      const input = ctx.input as Record<string, unknown>;
      const { problems, directory } = startMeshChange(ctx.workspacePath, input);
      const list = new ProblemList();
      const cluster = list.string('cluster', input.cluster, false);
      problems.push(...list.problems);
      // Validate everything (stage aside) before asking the backend.
      const onboarding = {
        ...input,
        manifest: input.manifest ?? 'patch',
        stage: 'strict',
      };
      const precheck = generateNamespaceOnboarding(onboarding);
      problems.push(...precheck.problems);
      throwIfProblems(ACTION_ID, problems);

      const namespace = input.namespace as string;
      // Asked as the person running the template: the backend checks their
      // permission, and the blockers logged below are the ones it shows them.
      const entries = await readiness
        .namespaceReadiness(namespace, {
          cluster,
          credentials: await ctx.getInitiatorCredentials(),
        })
        .catch(error => {
          if (error?.name !== 'NotAllowedError') throw error;
          throw refusal(
            new NotAllowedError(
              `${ACTION_ID}: ${error.message}; nothing was written`,
            ),
          );
        });
      if (!entries.length) {
        throw refusal(
          new NotFoundError(
            `${ACTION_ID}: the istio backend knows no workloads in namespace "${namespace}"${
              cluster ? ` on cluster ${cluster}` : ''
            }; nothing to advance`,
          ),
        );
      }
      const from = currentStage(entries);
      const to = nextMtlsStage(from);
      // Blockers say what breaks under STRICT, and an unverified verdict
      // that nothing proves it would not; PERMISSIVE accepts plaintext, so
      // enrolling is never blocked.
      const blockers =
        to === 'strict'
          ? entries.flatMap(e => [
              ...e.blockers.map(describeBlocker),
              ...unverifiedBlockers(e),
            ])
          : [];
      if (blockers.length && input.overrideBlockers !== true) {
        throw refusal(
          new ConflictError(
            `${ACTION_ID}: namespace "${namespace}" is not ready for STRICT mTLS (${
              blockers.length
            } blocker(s)); fix them or set overrideBlockers: true:\n${blockers
              .map(b => `- ${b}`)
              .join('\n')}`,
          ),
        );
      }
      if (blockers.length) {
        ctx.logger.warn(
          `${ACTION_ID}: going STRICT despite ${
            blockers.length
          } blocker(s):\n${blockers.join('\n')}`,
        );
      }
      if (from === 'strict')
        ctx.logger.info(
          `${ACTION_ID}: namespace "${namespace}" is already STRICT`,
        );

      const generated = generateNamespaceOnboarding({
        ...onboarding,
        stage: to,
        // An enrolled namespace keeps its injection label as it is.
        skipNamespace: from !== 'not-enrolled',
      });
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
      ctx.logger.info(
        `${ACTION_ID}: ${namespace} ${from} -> ${to}; wrote ${result.files.join(
          ', ',
        )}`,
      );
      ctx.output('files', result.files);
      ctx.output('objects', result.objects as any);
      ctx.output('fromStage', from);
      ctx.output('toStage', to);
      ctx.output('blockers', blockers);
    },
  });
}
