/** A kind the posture lacks (istio-common's `MissingKind`), and where. */
interface UnreadKind {
  kind: string;
  state: string;
  reason?: string;
  cluster?: string;
}

/**
 * Why the verdict for workloads of one or more clusters rests on partial
 * data, in reason words (no host or server text): kinds of the cluster the
 * posture could not see, and clusters not synced yet. Undefined when all
 * was read. The verdict itself is istio-common's `assessReadiness`.
 */
export function partialReason(
  missingKinds: UnreadKind[],
  pendingClusters: string[] = [],
): string | undefined {
  const parts = missingKinds.map(
    k =>
      `${k.kind === '*' ? 'nothing' : k.kind} could not be read${
        k.cluster ? ` in cluster ${k.cluster}` : ''
      } (${k.reason ?? k.state})`,
  );
  if (pendingClusters.length) {
    parts.push(
      `cluster${pendingClusters.length === 1 ? '' : 's'} ${pendingClusters.join(
        ', ',
      )} not synced yet`,
    );
  }
  return parts.length
    ? `Partial data: ${parts.join(
        '; ',
      )}, so workloads, pods or policies may be missing`
    : undefined;
}
