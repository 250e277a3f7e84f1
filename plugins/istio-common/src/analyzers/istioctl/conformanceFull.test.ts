/*
 * Runs every case of Istio's full analyzer test table (kept outside the
 * repository in ../shared/conformance/istioctl-analyze-full) as upstream's
 * harness does: one analyzer per case, compared as an unordered multiset of
 * (code, level, resource). Cases whose analyzer the engine does not have
 * yet are skipped by name, so the remaining gap stays visible.
 */
import { istioctlAnalyzers } from '.';
import {
  ConformanceCase,
  conformanceDescribe,
  expectedKeys,
  findingKeys,
  loadConformanceSet,
  runConformanceCase,
  suiteTitle,
} from './__testUtils__/conformanceCases';

const set = loadConformanceSet('istioctl-analyze-full');
const implemented = new Set(istioctlAnalyzers.map(a => a.name));
// Case 1 runs an analyzer istioctl analyze never runs; upstream does not count it.
const counting = set.cases.filter(c => !c.needs);
const runnable = counting.filter(c => implemented.has(c.analyzer));

function passes(testCase: ConformanceCase): boolean {
  try {
    const actual = findingKeys(runConformanceCase(set, testCase));
    return JSON.stringify(actual) === JSON.stringify(expectedKeys(testCase));
  } catch {
    return false;
  }
}

const passed = new Set(runnable.filter(passes).map(c => c.id));
const analyzerNames = [...new Set(counting.map(c => c.analyzer))];
const fullyPassing = analyzerNames.filter(name =>
  counting.filter(c => c.analyzer === name).every(c => passed.has(c.id)),
);

conformanceDescribe(set)(
  suiteTitle(set, 'istioctl analyze conformance, full upstream table'),
  () => {
    it('has the 104 upstream cases, 103 of them counting, over 36 analyzers', () => {
      expect(set.cases).toHaveLength(104);
      expect(counting).toHaveLength(103);
      expect(analyzerNames).toHaveLength(36);
    });

    for (const testCase of counting) {
      if (!implemented.has(testCase.analyzer)) {
        // Visible as skipped until another analyzer lands, then it runs.
        // eslint-disable-next-line jest/no-disabled-tests, jest/expect-expect
        it.skip(`#${testCase.id} ${testCase.name} (analyzer ${testCase.analyzer} not implemented)`, () => {});
        continue;
      }
      it(`#${testCase.id} ${testCase.analyzer}: ${testCase.name}`, () => {
        expect(findingKeys(runConformanceCase(set, testCase))).toEqual(
          expectedKeys(testCase),
        );
      });
    }

    it(`${passed.size} of ${counting.length} counting cases pass, ${
      fullyPassing.length
    } of ${analyzerNames.length} analyzers fully (${
      counting.length - runnable.length
    } cases wait for their analyzer)`, () => {
      // Every case of an implemented analyzer passes; once all analyzers
      // exist, this means all 103.
      const failing = runnable.filter(c => !passed.has(c.id));
      expect(failing.map(c => `#${c.id} ${c.analyzer}`)).toEqual([]);
    });

    it('every finding carries a message and a remediation', () => {
      for (const testCase of runnable) {
        for (const finding of runConformanceCase(set, testCase)) {
          expect(finding.analyzer).toBe(testCase.analyzer);
          expect(finding.message.length).toBeGreaterThan(20);
          expect(finding.remediation.length).toBeGreaterThan(10);
        }
      }
    });
  },
);
