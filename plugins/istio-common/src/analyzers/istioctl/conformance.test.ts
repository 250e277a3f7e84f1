/*
 * Runs the 54-case subset of Istio's own istioctl analyze test cases (kept
 * outside the repository in ../shared/conformance/istioctl-analyze) the way
 * upstream's harness does: one analyzer per case, compared as an unordered
 * multiset of (code, level, resource). The full table is conformanceFull.test.ts.
 */
import {
  conformanceDescribe,
  expectedKeys,
  findingKeys,
  loadConformanceSet,
  runConformanceCase,
  suiteTitle,
} from './__testUtils__/conformanceCases';

const set = loadConformanceSet('istioctl-analyze');

conformanceDescribe(set)(
  suiteTitle(set, 'istioctl analyze conformance (upstream test cases)'),
  () => {
    it('has the 54 upstream cases', () => {
      expect(set.cases).toHaveLength(54);
    });

    for (const testCase of set.cases) {
      it(`#${testCase.id} ${testCase.name}`, () => {
        expect(findingKeys(runConformanceCase(set, testCase))).toEqual(
          expectedKeys(testCase),
        );
      });
    }

    it('every finding carries a message and a remediation', () => {
      for (const testCase of set.cases) {
        for (const finding of runConformanceCase(set, testCase)) {
          expect(finding.message.length).toBeGreaterThan(20);
          expect(finding.remediation.length).toBeGreaterThan(10);
        }
      }
    });
  },
);
