/*
 * Istio's table for the injector's own check, `TestInjectRequired` in
 * `pkg/kube/inject/webhook_test.go` (istio/istio 86c9f01f), run against
 * injectRequired. Upstream gives several rows the same name; the row number
 * and policy keep titles apart.
 */
import {
  DEFAULT_INJECTOR_CONFIG,
  InjectorSelector,
} from '../../model/meshConfig';
import { injectRequired } from '../injection';

const INJECT = 'sidecar.istio.io/inject';

interface Row {
  name: string;
  policy: string;
  hostNetwork?: boolean;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  always?: InjectorSelector[];
  never?: InjectorSelector[];
  want: boolean;
}

/** `metav1.ParseToLabelSelector("key")`: the key must exist. */
const exists = (key: string): InjectorSelector => ({
  matchExpressions: [{ key, operator: 'Exists' }],
});
const fooBar: InjectorSelector[] = [{ matchLabels: { foo: 'bar' } }];
const emptyFoo = { foo: '', foo2: 'bar2' };

const rows: Row[] = [
  { name: 'no-policy', policy: 'enabled', annotations: {}, want: true },
  { name: 'default-policy', policy: 'enabled', want: true },
  {
    name: 'force-on-policy',
    policy: 'enabled',
    annotations: { [INJECT]: 'true' },
    want: true,
  },
  {
    name: 'force-off-policy',
    policy: 'enabled',
    annotations: { [INJECT]: 'false' },
    want: false,
  },
  { name: 'no-policy', policy: 'disabled', annotations: {}, want: false },
  { name: 'default-policy', policy: 'disabled', want: false },
  {
    name: 'force-on-policy',
    policy: 'disabled',
    annotations: { [INJECT]: 'true' },
    want: true,
  },
  {
    name: 'force-off-policy',
    policy: 'disabled',
    annotations: { [INJECT]: 'false' },
    want: false,
  },
  {
    name: 'invalid-inject-value-yes',
    policy: 'enabled',
    annotations: { [INJECT]: 'yes' },
    want: true,
  },
  {
    name: 'invalid-inject-value-on',
    policy: 'disabled',
    annotations: { [INJECT]: 'on' },
    want: false,
  },
  {
    name: 'invalid-inject-value-random',
    policy: 'enabled',
    labels: { [INJECT]: 'random' },
    want: true,
  },
  {
    name: 'force-off-policy',
    policy: 'enabled',
    hostNetwork: true,
    annotations: {},
    want: false,
  },
  {
    name: 'wrong-policy',
    policy: 'wrong_policy',
    annotations: {},
    want: false,
  },
  {
    name: 'policy-enabled-always-inject-no-labels',
    policy: 'enabled',
    always: fooBar,
    want: true,
  },
  {
    name: 'policy-enabled-always-inject-with-labels',
    policy: 'enabled',
    always: fooBar,
    labels: { foo: 'bar1' },
    want: true,
  },
  {
    name: 'policy-disabled-always-inject-no-labels',
    policy: 'disabled',
    always: fooBar,
    want: false,
  },
  {
    name: 'policy-disabled-always-inject-with-labels',
    policy: 'disabled',
    always: fooBar,
    labels: { foo: 'bar' },
    want: true,
  },
  {
    name: 'policy-enabled-never-inject-no-labels',
    policy: 'enabled',
    never: fooBar,
    want: true,
  },
  {
    name: 'policy-enabled-never-inject-with-labels',
    policy: 'enabled',
    never: fooBar,
    labels: { foo: 'bar' },
    want: false,
  },
  {
    name: 'policy-disabled-never-inject-no-labels',
    policy: 'disabled',
    never: fooBar,
    want: false,
  },
  {
    name: 'policy-disabled-never-inject-with-labels',
    policy: 'disabled',
    never: fooBar,
    labels: { foo: 'bar' },
    want: false,
  },
  {
    name: 'policy-enabled-never-inject-with-empty-label',
    policy: 'enabled',
    never: [exists('foo')],
    labels: emptyFoo,
    want: false,
  },
  {
    name: 'policy-disabled-always-inject-with-empty-label',
    policy: 'disabled',
    always: [exists('foo')],
    labels: emptyFoo,
    want: true,
  },
  {
    name: 'policy-disabled-always-never-inject-with-label-returns-true',
    policy: 'disabled',
    always: [exists('always')],
    never: [exists('never')],
    labels: { always: 'bar', foo2: 'bar2' },
    want: true,
  },
  {
    name: 'policy-disabled-always-never-inject-with-label-returns-false',
    policy: 'disabled',
    always: [exists('always')],
    never: [exists('never')],
    labels: { never: 'bar', foo2: 'bar2' },
    want: false,
  },
  {
    name: 'policy-disabled-always-never-inject-with-both-labels',
    policy: 'disabled',
    always: [exists('always')],
    never: [exists('never')],
    labels: { always: 'bar', never: 'bar2' },
    want: false,
  },
  {
    name: 'policy-enabled-annotation-true-never-inject',
    policy: 'enabled',
    never: [exists('foo')],
    annotations: { [INJECT]: 'true' },
    labels: emptyFoo,
    want: true,
  },
  {
    name: 'policy-enabled-annotation-false-always-inject',
    policy: 'enabled',
    always: [exists('foo')],
    annotations: { [INJECT]: 'false' },
    labels: emptyFoo,
    want: false,
  },
  {
    name: 'policy-disabled-annotation-false-always-inject',
    policy: 'disabled',
    always: [exists('foo')],
    annotations: { [INJECT]: 'false' },
    labels: emptyFoo,
    want: false,
  },
  {
    name: 'policy-enabled-never-inject-multiple-labels',
    policy: 'enabled',
    never: [exists('foo'), exists('bar')],
    labels: { label1: '', bar: 'anything' },
    want: false,
  },
  {
    name: 'policy-enabled-always-inject-multiple-labels',
    policy: 'disabled',
    always: [exists('foo'), exists('bar')],
    labels: { label1: '', bar: 'anything' },
    want: true,
  },
  {
    name: 'policy-disabled-annotation-true-never-inject',
    policy: 'disabled',
    never: [exists('foo')],
    annotations: { [INJECT]: 'true' },
    labels: emptyFoo,
    want: true,
  },
  {
    name: 'policy-disabled-label-enabled',
    policy: 'disabled',
    labels: { [INJECT]: 'true' },
    want: true,
  },
  {
    name: 'policy-disabled-both-enabled',
    policy: 'disabled',
    annotations: { [INJECT]: 'true' },
    labels: { [INJECT]: 'true' },
    want: true,
  },
  {
    name: 'policy-disabled-label-enabled-annotation-disabled',
    policy: 'disabled',
    annotations: { [INJECT]: 'false' },
    labels: { [INJECT]: 'true' },
    want: true,
  },
  {
    name: 'policy-disabled-label-disabled-annotation-enabled',
    policy: 'disabled',
    annotations: { [INJECT]: 'true' },
    labels: { [INJECT]: 'false' },
    want: false,
  },
];

describe('TestInjectRequired', () => {
  it.each(rows.map((row, i) => [i + 1, row.name, row.policy, row] as const))(
    'TestInjectRequired #%i: "%s" (policy %s)',
    (_index, _name, _policy, row) => {
      const decision = injectRequired(
        'test-namespace',
        { labels: row.labels, annotations: row.annotations },
        { hostNetwork: row.hostNetwork },
        {
          ...DEFAULT_INJECTOR_CONFIG,
          policy: row.policy,
          alwaysInjectSelector: row.always ?? [],
          neverInjectSelector: row.never ?? [],
        },
      );
      expect(decision.required).toBe(row.want);
    },
  );
});
