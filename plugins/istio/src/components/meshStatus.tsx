import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import {
  ReadinessStage,
  Severity,
  UnverifiedReason,
  WorkloadPosture,
} from '@meshportal/plugin-istio-common';
import { ReactNode } from 'react';

// Every status is an icon (from core-components) and a word next to it, so
// colour is never the only signal.

/** A server-side mTLS mode. */
export type MtlsModeName = 'STRICT' | 'PERMISSIVE' | 'DISABLE';

const MODE_RANK: Record<MtlsModeName, number> = {
  DISABLE: 0,
  PERMISSIVE: 1,
  STRICT: 2,
};

/** The weakest of several modes (the one that lets plaintext in). */
export function weakestMode(modes: MtlsModeName[]): MtlsModeName | undefined {
  return modes.reduce<MtlsModeName | undefined>(
    (worst, m) => (!worst || MODE_RANK[m] < MODE_RANK[worst] ? m : worst),
    undefined,
  );
}

export function MtlsModeStatus(props: { mode: MtlsModeName }) {
  const { mode } = props;
  if (mode === 'STRICT') return <StatusOK>STRICT</StatusOK>;
  if (mode === 'PERMISSIVE') return <StatusWarning>PERMISSIVE</StatusWarning>;
  return <StatusError>{mode}</StatusError>;
}

/** Human names of the wave stages. */
export const STAGE_LABELS: Record<ReadinessStage, string> = {
  'not-enrolled': 'Not enrolled',
  permissive: 'PERMISSIVE',
  unverified: 'Unverified',
  'ready-for-strict': 'Ready for STRICT',
  strict: 'STRICT',
  exception: 'Exception',
};

/** Stages in the order a namespace moves through them. */
export const STAGES: ReadinessStage[] = [
  'not-enrolled',
  'permissive',
  'unverified',
  'ready-for-strict',
  'strict',
  'exception',
];

export function StageStatus(props: { stage: ReadinessStage }) {
  const label = STAGE_LABELS[props.stage] ?? props.stage;
  switch (props.stage) {
    case 'strict':
    case 'ready-for-strict':
      return <StatusOK>{label}</StatusOK>;
    case 'permissive':
      return <StatusWarning>{label}</StatusWarning>;
    case 'exception':
      return <StatusError>{label}</StatusError>;
    case 'unverified':
      // No evidence (telemetry, the whole window, all of the cluster):
      // neutral, never ready.
      return <StatusPending>{label}</StatusPending>;
    default:
      return <StatusAborted>{label}</StatusAborted>;
  }
}

/** Why a stage is `unverified`, one line per reason; nothing otherwise. */
export function UnverifiedReasons(props: {
  reasons?: UnverifiedReason[];
  variant?: 'body2' | 'caption';
}) {
  if (!props.reasons?.length) return null;
  return (
    <>
      {props.reasons.map(r => (
        <Typography
          key={`${r.code}:${r.message}`}
          variant={props.variant ?? 'body2'}
          component="div"
          data-unverified-reason={r.code}
        >
          Unverified: {r.message}
        </Typography>
      ))}
    </>
  );
}

/** A severity word with its icon, optionally followed by what it is about. */
export function SeverityStatus(props: {
  severity: Severity;
  children?: ReactNode;
}) {
  const label = props.children ? (
    <>
      {props.severity}: {props.children}
    </>
  ) : (
    props.severity
  );
  if (props.severity === 'Error') return <StatusError>{label}</StatusError>;
  if (props.severity === 'Warning') {
    return <StatusWarning>{label}</StatusWarning>;
  }
  return <StatusPending>{label}</StatusPending>;
}

/** How a workload's pods reach the mesh, in words. */
export function dataplaneText(w: Pick<WorkloadPosture, 'dataplane' | 'pods'>) {
  switch (w.dataplane) {
    case 'sidecar':
      return 'Sidecar';
    case 'ambient':
      return 'Ambient';
    case 'partial':
      return `Partial: ${w.pods.injected} of ${w.pods.total} pods`;
    default:
      return 'Not in mesh';
  }
}

export function DataplaneStatus(props: {
  workload: Pick<WorkloadPosture, 'dataplane' | 'pods'>;
}): JSX.Element {
  const text = dataplaneText(props.workload);
  switch (props.workload.dataplane) {
    case 'sidecar':
    case 'ambient':
      return <StatusOK>{text}</StatusOK>;
    case 'partial':
      return <StatusWarning>{text}</StatusWarning>;
    default:
      return <StatusAborted>{text}</StatusAborted>;
  }
}

/** "3 minutes ago" from an age in seconds. */
export function formatAge(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} second${s === 1 ? '' : 's'} ago`;
  const units: Array<[number, string]> = [
    [86400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, unit] of units) {
    if (s >= size) {
      const n = Math.floor(s / size);
      return `${n} ${unit}${n === 1 ? '' : 's'} ago`;
    }
  }
  return `${s} seconds ago`;
}
