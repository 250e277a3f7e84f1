import { X509Certificate } from 'node:crypto';
import {
  KubeObject,
  MeshSnapshot,
  RootCertificateBundle,
  nextRootCertificateChange,
  readRootCertificates,
} from '@meshportal/plugin-istio-common';

/**
 * The root certificates of the `istio-ca-root-cert` ConfigMaps among a
 * cluster's objects, parsed with Node's `X509Certificate`: the engine is
 * browser-safe and takes them as plain data. Only that public ConfigMap is
 * read; never a Secret.
 */
export function rootCertificatesOf(
  objects: ReadonlyArray<KubeObject>,
): RootCertificateBundle[] {
  return readRootCertificates(objects, pem => new X509Certificate(pem));
}

/** The longest delay `setTimeout` keeps (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Milliseconds until the snapshot's root certificate findings change with
 * time alone (30 days before expiry, at expiry), so a report that no object
 * change refreshes is recomputed then; capped to what a timer can wait (the
 * recomputation then schedules the rest). Undefined when nothing is due.
 */
export function certificateReviewDelay(
  snapshot: MeshSnapshot,
  now: number,
): number | undefined {
  const next = nextRootCertificateChange(snapshot);
  if (!next) return undefined;
  // A second late, so the recomputation is past the boundary.
  return Math.min(Math.max(0, Date.parse(next) - now) + 1000, MAX_TIMER_MS);
}
