import { Analyzer } from '../../analysis/types';
import { MeshResource } from '../../model/resources';
import { definitionsFor, report } from './messages';
import { list } from './specFields';

const NAME = 'deployment.ApplicationUIDAnalyzer';
const defs = definitionsFor(NAME, ['IST0144']);

/** The user the sidecar runs as; its traffic is exempt from capture. */
const PROXY_UID = 1337;

/** Containers Istio itself runs as that user. */
const ISTIO_CONTAINERS = new Set(['istio-proxy', 'istio-operator']);

/** Istio's own components, which run as the proxy user on purpose. */
function isControlPlane(resource: MeshResource): boolean {
  return 'istio' in resource.labels || resource.labels.release === 'istio';
}

/** Where the pod spec sets UID 1337: the pod securityContext, or containers by name. */
function proxyUidSettings(podSpec: any): string[] {
  const places: string[] = [];
  if (podSpec?.securityContext?.runAsUser === PROXY_UID) {
    places.push('the pod securityContext');
  }
  for (const container of list(podSpec?.containers)) {
    if (ISTIO_CONTAINERS.has(container?.name)) continue;
    if (container?.securityContext?.runAsUser === PROXY_UID) {
      places.push(`container ${container.name}`);
    }
  }
  return places;
}

/**
 * `deployment.ApplicationUIDAnalyzer` (upstream `applicationUID.Analyzer`):
 * application pods and Deployments that run as UID 1337, the sidecar's user,
 * whose traffic the sidecar does not capture.
 * @public
 */
export const applicationUidAnalyzer: Analyzer = {
  name: NAME,
  definitions: defs,
  inputs: ['Pod', 'Deployment'],
  analyze({ snapshot }) {
    const subjects = [
      ...snapshot.all('Pod').map(pod => ({ resource: pod, podSpec: pod.spec })),
      ...snapshot.all('Deployment').map(deployment => ({
        resource: deployment,
        podSpec: deployment.spec?.template?.spec,
      })),
    ];
    return subjects.flatMap(({ resource, podSpec }) => {
      if (isControlPlane(resource)) return [];
      const places = proxyUidSettings(podSpec);
      if (places.length === 0) return [];
      const where =
        resource.kind === 'Deployment' ? 'spec.template.spec' : 'spec';
      return [
        report(
          defs,
          'IST0144',
          resource,
          `${resource.kind} ${resource.namespace}/${
            resource.name
          } runs as user ID 1337 (${places.join(
            ', ',
          )}), the ID reserved for the sidecar proxy: its traffic bypasses the sidecar, so mTLS and policies do not apply to it.`,
          `Set runAsUser to another ID in ${where} (securityContext of the pod and its containers).`,
        ),
      ];
    });
  },
};
