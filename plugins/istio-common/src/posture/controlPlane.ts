import { MeshResource } from '../model/resources';
import { MeshSnapshot } from '../model/snapshot';

const REV_LABEL = 'istio.io/rev';

/**
 * The version an image reference names: its tag, without the variant
 * suffixes Istio publishes (`-distroless`, `-debug`). Undefined for a
 * reference pinned by digest only or without a tag, whose version is unknown.
 * @public
 */
export function imageVersion(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const name = image.split('@')[0];
  const colon = name.lastIndexOf(':');
  if (colon < 0 || colon < name.lastIndexOf('/')) return undefined;
  const tag = name.slice(colon + 1).replace(/-(distroless|debug)$/, '');
  return tag || undefined;
}

/** istiod of one revision, as its Deployment runs it. @public */
export interface IstiodVersion {
  deployment: MeshResource;
  image: string;
  /** {@link imageVersion} of the image; undefined when the tag says nothing. */
  version?: string;
}

function isIstiodOf(deployment: MeshResource, revision: string): boolean {
  if (deployment.labels.app !== 'istiod') return false;
  const rev = deployment.labels[REV_LABEL];
  // The unnamed revision's istiod is labelled `default`, or not at all by older charts.
  return rev === revision || (revision === 'default' && rev === undefined);
}

/**
 * The istiod Deployment of a revision (label `app=istiod` and
 * `istio.io/rev=<revision>`) and the image of its `discovery` container.
 * Looked for in the control-plane namespace first, then anywhere; undefined
 * when no such Deployment is in the snapshot (an external control plane).
 * @public
 */
export function istiodVersion(
  snapshot: MeshSnapshot,
  revision: string,
): IstiodVersion | undefined {
  const candidates = [
    ...snapshot.inNamespace('Deployment', snapshot.istioNamespace),
    ...snapshot.all('Deployment'),
  ];
  const deployment = candidates.find(d => isIstiodOf(d, revision));
  const containers = deployment?.spec?.template?.spec?.containers;
  const discovery = Array.isArray(containers)
    ? containers.find(c => c?.name === 'discovery') ?? containers[0]
    : undefined;
  if (!deployment || typeof discovery?.image !== 'string') return undefined;
  return {
    deployment,
    image: discovery.image,
    version: imageVersion(discovery.image),
  };
}
