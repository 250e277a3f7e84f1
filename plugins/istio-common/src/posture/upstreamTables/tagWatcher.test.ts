/*
 * Istio's revision tag watcher test, `TestTagWatcher` in
 * `pkg/revisions/tag_watcher_test.go` (istio/istio 86c9f01f): a sequence of
 * webhook changes, each followed by the tags revision "revision" owns
 * (GetMyTags: the revision itself plus every tag webhook pointing at it).
 * Each step becomes a snapshot, run against revisionTags and the injection
 * decision for a namespace labelled with the tag.
 *
 * Not carried over: the steps with tag Services (makeServiceTag, from
 * "TagWatcher should get all tag names from all services" on). Tag Services
 * tell istiod which proxies it serves; which injector a pod gets is decided
 * by the tag webhook alone, and that is what the engine resolves.
 */
import { KubeObject } from '../../model/resources';
import { decideInjection, revisionTags } from '../injection';
import { namespace, snapshotOf } from '../testObjects';

/** upstream makeTag: named after the tag, labelled with tag and revision. */
const makeTag = (revision: string, tag: string): KubeObject => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'MutatingWebhookConfiguration',
  metadata: {
    name: tag,
    labels: { 'istio.io/rev': revision, 'istio.io/tag': tag },
  },
  webhooks: [],
});

/** upstream makeRevision: a revision's own webhook, not a tag. */
const makeRevision = (revision: string): KubeObject => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'MutatingWebhookConfiguration',
  metadata: { name: revision, labels: { 'istio.io/rev': revision } },
  webhooks: [],
});

function myTags(objects: KubeObject[], revision: string): string[] {
  const tags = [...revisionTags(snapshotOf(objects))]
    .filter(([, rev]) => rev === revision)
    .map(([tag]) => tag);
  return [revision, ...tags].sort();
}

const steps: Array<[string, KubeObject[], string[]]> = [
  ['no webhooks', [], ['revision']],
  [
    'create revision and tag-foo',
    [makeRevision('revision'), makeTag('revision', 'tag-foo')],
    ['revision', 'tag-foo'],
  ],
  [
    'create tag-bar',
    [
      makeRevision('revision'),
      makeTag('revision', 'tag-foo'),
      makeTag('revision', 'tag-bar'),
    ],
    ['revision', 'tag-bar', 'tag-foo'],
  ],
  [
    'update tag-bar to not-revision',
    [
      makeRevision('revision'),
      makeTag('revision', 'tag-foo'),
      makeTag('not-revision', 'tag-bar'),
    ],
    ['revision', 'tag-foo'],
  ],
  [
    'delete tag-foo',
    [makeRevision('revision'), makeTag('not-revision', 'tag-bar')],
    ['revision'],
  ],
  [
    'create tag-foo again',
    [
      makeRevision('revision'),
      makeTag('not-revision', 'tag-bar'),
      makeTag('revision', 'tag-foo'),
    ],
    ['revision', 'tag-foo'],
  ],
];

describe('TestTagWatcher', () => {
  it.each(steps)('TestTagWatcher: step "%s"', (_step, objects, want) => {
    expect(myTags(objects, 'revision')).toEqual(want);
    // A namespace labelled with one of the revision's tags injects from it.
    for (const tag of want) {
      const snapshot = snapshotOf([
        ...objects,
        namespace('app', { 'istio.io/rev': tag }),
      ]);
      expect(decideInjection('app', {}, {}, snapshot).revision).toBe(
        'revision',
      );
    }
  });
});
