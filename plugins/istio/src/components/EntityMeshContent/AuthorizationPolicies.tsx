import {
  StatusError,
  StatusOK,
  StatusPending,
} from '@backstage/core-components';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { AuthorizationPolicyView } from '@meshportal/plugin-istio-common';

function list(label: string, values: unknown): string[] {
  return Array.isArray(values) && values.length
    ? [`${label} ${values.join(', ')}`]
    : [];
}

const SOURCE_FIELDS: Array<[string, string]> = [
  ['principals', 'principals'],
  ['notPrincipals', 'not principals'],
  ['requestPrincipals', 'request principals'],
  ['namespaces', 'namespaces'],
  ['notNamespaces', 'not namespaces'],
  ['ipBlocks', 'IPs'],
  ['remoteIpBlocks', 'remote IPs'],
];
const OPERATION_FIELDS: Array<[string, string]> = [
  ['methods', 'methods'],
  ['notMethods', 'not methods'],
  ['paths', 'paths'],
  ['notPaths', 'not paths'],
  ['ports', 'ports'],
  ['hosts', 'hosts'],
];

/**
 * Who a policy lets in (or keeps out), one line per rule. An ALLOW policy
 * without rules matches nothing: it denies everyone.
 */
export function describePolicyRules(policy: AuthorizationPolicyView): string[] {
  if (!policy.rules.length) {
    return [
      policy.action === 'ALLOW'
        ? 'nobody (no rules: denies all requests)'
        : 'no requests (no rules)',
    ];
  }
  return policy.rules.map(rule => {
    const from = (rule?.from ?? []).flatMap((f: any) =>
      SOURCE_FIELDS.flatMap(([k, label]) => list(label, f?.source?.[k])),
    );
    const to = (rule?.to ?? []).flatMap((t: any) =>
      OPERATION_FIELDS.flatMap(([k, label]) => list(label, t?.operation?.[k])),
    );
    const when = (rule?.when ?? []).map(
      (c: any) => `${c?.key} in ${(c?.values ?? []).join(', ')}`,
    );
    const who = from.length ? `from ${from.join('; ')}` : 'from anyone';
    const what = to.length ? ` to ${to.join('; ')}` : '';
    const cond = when.length ? ` when ${when.join(' and ')}` : '';
    return `${who}${what}${cond}`;
  });
}

function ActionStatus(props: { action: string }) {
  if (props.action === 'ALLOW') return <StatusOK>ALLOW</StatusOK>;
  if (props.action === 'DENY') return <StatusError>DENY</StatusError>;
  return <StatusPending>{props.action}</StatusPending>;
}

/** The AuthorizationPolicies that select the entity's workloads. */
export function AuthorizationPolicies(props: {
  policies: AuthorizationPolicyView[];
}) {
  if (!props.policies.length) {
    return (
      <Typography variant="body2">
        No AuthorizationPolicy selects these workloads: every caller the mTLS
        mode admits may call them.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Authorization policies">
      <TableHead>
        <TableRow>
          <TableCell>Policy</TableCell>
          <TableCell>Scope</TableCell>
          <TableCell>Action</TableCell>
          <TableCell>Who may call</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.policies.map(p => (
          <TableRow key={`${p.namespace}/${p.name}`}>
            <TableCell>
              {p.namespace}/{p.name}
            </TableCell>
            <TableCell>
              {p.scope}
              {p.selector && (
                <Typography variant="caption" display="block">
                  {Object.entries(p.selector)
                    .map(([k, v]) => `${k}=${v}`)
                    .join(', ')}
                </Typography>
              )}
            </TableCell>
            <TableCell style={{ whiteSpace: 'nowrap' }}>
              <ActionStatus action={p.action} />
            </TableCell>
            <TableCell>
              {describePolicyRules(p).map((line, i) => (
                <Typography variant="body2" key={i}>
                  {line}
                </Typography>
              ))}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
