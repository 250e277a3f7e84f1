import { KubeObject, MtlsMode } from '../model/resources';
import { GENERATED_BY_LABEL, GenerationResult } from './trafficPattern';
import { InputProblem, ProblemList } from './validation';

/**
 * A namespace's place in the wave toward STRICT mTLS:
 * `not-enrolled` (no sidecars), `permissive` (sidecars, plaintext still
 * accepted), `strict` (mTLS only).
 * @public
 */
export type MtlsStage = 'not-enrolled' | 'permissive' | 'strict';

/** The stages onboarding can write. @public */
export type OnboardingStage = Exclude<MtlsStage, 'not-enrolled'>;

/**
 * A workload that keeps its own mTLS mode while its namespace moves on.
 * @public
 */
export interface WorkloadMtlsException {
  /** Name of its PeerAuthentication. */
  name: string;
  /** Pod labels the policy selects. */
  selector: Record<string, string>;
  mode?: Exclude<MtlsMode, 'UNSET'>;
  /** Per target port modes, e.g. `{ '9090': 'PERMISSIVE' }` for a scraped metrics port. */
  portLevelMtls?: Record<string, Exclude<MtlsMode, 'UNSET'>>;
}

/**
 * What onboarding a namespace needs.
 * @public
 */
export interface NamespaceOnboardingInput {
  namespace: string;
  /**
   * Istio revision or revision tag for `istio.io/rev`; without it the
   * namespace gets `istio-injection=enabled` (the default revision).
   */
  revision?: string;
  stage: OnboardingStage;
  /**
   * `namespace` writes a full Namespace manifest (a new namespace);
   * `patch` writes a patch of the labels for an existing one.
   */
  manifest?: 'namespace' | 'patch';
  exceptions?: WorkloadMtlsException[];
  /** Leave the namespace's labels alone (already enrolled); only the policies are written. */
  skipNamespace?: boolean;
}

/** A generated file: relative path and its objects. @public */
export interface GeneratedFile {
  path: string;
  objects: KubeObject[];
}

/** Onboarding objects grouped into files, or the input's problems. @public */
export interface OnboardingResult extends GenerationResult {
  /** One file per document group, in kustomization order. */
  files: GeneratedFile[];
  /** Kustomize entries: `resources` for manifests, `patches` for the namespace patch. */
  kustomization: { resources: string[]; patches: string[] };
}

const MODES: ReadonlyArray<string> = ['DISABLE', 'PERMISSIVE', 'STRICT'];
const STAGES: ReadonlyArray<string> = ['permissive', 'strict'];

/**
 * The stage after `current` in the wave; `strict` stays `strict`.
 * @public
 */
export function nextMtlsStage(current: MtlsStage): OnboardingStage {
  return current === 'not-enrolled' ? 'permissive' : 'strict';
}

/**
 * Checks an onboarding input, returning every problem.
 * @public
 */
export function validateNamespaceOnboarding(raw: unknown): {
  value?: NamespaceOnboardingInput;
  problems: InputProblem[];
} {
  const list = new ProblemList();
  const input = list.input(raw);
  const namespace = list.dnsLabel('namespace', input.namespace);
  // Revisions and tags are DNS labels too (they name webhooks and Services).
  const revision = list.dnsLabel('revision', input.revision, false);
  const stage = input.stage;
  if (typeof stage !== 'string' || !STAGES.includes(stage)) {
    list.add('stage', 'must be permissive or strict');
  }
  const manifest = input.manifest ?? 'namespace';
  if (manifest !== 'namespace' && manifest !== 'patch') {
    list.add('manifest', 'must be namespace or patch');
  }
  const exceptions: WorkloadMtlsException[] = [];
  const names = new Set<string>();
  (list.list('exceptions', input.exceptions) ?? []).forEach((e, i) => {
    const at = `exceptions[${i}]`;
    const entry = list.record(at, e, true);
    if (!entry) return;
    const name = list.dnsLabel(`${at}.name`, entry.name);
    if (name === 'default') {
      list.add(
        `${at}.name`,
        '"default" is the namespace-wide policy; pick another name',
      );
    }
    if (name && names.has(name))
      list.add(`${at}.name`, `"${name}" is used twice`);
    if (name) names.add(name);
    // Without a selector the policy would replace the namespace-wide one.
    const selector = list.record(`${at}.selector`, entry.selector) ?? {};
    if (!Object.keys(selector).length) {
      list.add(
        `${at}.selector`,
        'needs at least one label (a workload exception must select pods)',
      );
    }
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(selector)) {
      list.label(`${at}.selector.${k.slice(0, 80)}`, k, v);
      labels[k] = String(v);
    }
    const mode = entry.mode;
    if (
      mode !== undefined &&
      (typeof mode !== 'string' || !MODES.includes(mode))
    ) {
      list.add(`${at}.mode`, 'must be DISABLE, PERMISSIVE or STRICT');
    }
    const ports: Record<string, Exclude<MtlsMode, 'UNSET'>> = {};
    const portLevel =
      list.record(`${at}.portLevelMtls`, entry.portLevelMtls) ?? {};
    for (const [port, portMode] of Object.entries(portLevel)) {
      const n = Number(port);
      if (!/^\d+$/.test(port) || n < 1 || n > 65535) {
        list.add(
          `${at}.portLevelMtls`,
          `"${port.slice(0, 20)}" is not a port number between 1 and 65535`,
        );
      }
      if (typeof portMode !== 'string' || !MODES.includes(portMode)) {
        list.add(
          `${at}.portLevelMtls.${port.slice(0, 20)}`,
          'must be DISABLE, PERMISSIVE or STRICT',
        );
      } else {
        ports[port] = portMode as Exclude<MtlsMode, 'UNSET'>;
      }
    }
    if (mode === undefined && !Object.keys(portLevel).length) {
      list.add(at, 'needs a mode, portLevelMtls, or both');
    }
    exceptions.push({
      name: name ?? '',
      selector: labels,
      mode: mode as WorkloadMtlsException['mode'],
      portLevelMtls: Object.keys(ports).length ? ports : undefined,
    });
  });
  if (list.problems.length || !namespace) return { problems: list.problems };
  return {
    value: {
      namespace,
      revision,
      stage: stage as OnboardingStage,
      manifest: manifest as 'namespace' | 'patch',
      exceptions,
      skipNamespace: input.skipNamespace === true,
    },
    problems: [],
  };
}

/**
 * The namespace labels, namespace-wide PeerAuthentication, workload
 * exceptions and their kustomization entries for one onboarding stage.
 * @public
 */
export function generateNamespaceOnboarding(raw: unknown): OnboardingResult {
  const { value, problems } = validateNamespaceOnboarding(raw);
  if (!value) {
    return {
      objects: [],
      problems,
      files: [],
      kustomization: { resources: [], patches: [] },
    };
  }
  const { namespace, revision, stage } = value;
  const files: GeneratedFile[] = [];
  const resources: string[] = [];
  const patches: string[] = [];
  if (!value.skipNamespace) {
    // Exactly one injection label: istio-injection wins over istio.io/rev
    // (IST0123), so the other one is removed (null deletes it in a patch).
    const labels: Record<string, string | null> = revision
      ? { 'istio.io/rev': revision }
      : { 'istio-injection': 'enabled' };
    if (value.manifest === 'patch') {
      if (revision) labels['istio-injection'] = null;
      else labels['istio.io/rev'] = null;
      files.push({
        path: 'namespace-patch.yaml',
        objects: [
          {
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: { name: namespace, labels: labels as any },
          },
        ],
      });
      patches.push('namespace-patch.yaml');
    } else {
      files.push({
        path: 'namespace.yaml',
        objects: [
          {
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: {
              name: namespace,
              labels: {
                ...GENERATED_BY_LABEL,
                ...(labels as Record<string, string>),
              },
            },
          },
        ],
      });
      resources.push('namespace.yaml');
    }
  }
  const policy = (name: string, spec: Record<string, unknown>): KubeObject => ({
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: { name, namespace, labels: { ...GENERATED_BY_LABEL } },
    spec,
  });
  files.push({
    path: 'peer-authentication.yaml',
    objects: [
      policy('default', {
        mtls: { mode: stage === 'strict' ? 'STRICT' : 'PERMISSIVE' },
      }),
    ],
  });
  resources.push('peer-authentication.yaml');
  if (value.exceptions?.length) {
    files.push({
      path: 'workload-exceptions.yaml',
      objects: value.exceptions.map(e => {
        const spec: Record<string, unknown> = {
          selector: { matchLabels: e.selector },
        };
        if (e.mode) spec.mtls = { mode: e.mode };
        if (e.portLevelMtls) {
          spec.portLevelMtls = Object.fromEntries(
            Object.entries(e.portLevelMtls).map(([port, mode]) => [
              port,
              { mode },
            ]),
          );
        }
        return policy(e.name, spec);
      }),
    });
    resources.push('workload-exceptions.yaml');
  }
  return {
    objects: files.flatMap(f => f.objects),
    problems: [],
    files,
    kustomization: { resources, patches },
  };
}
