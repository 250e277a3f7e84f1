import {
  AdoptionCounts,
  AdoptionReport,
  NamespaceAdoption,
} from '@meshportal/plugin-istio-common';
import { rolloutBackfill } from './rolloutBackfill';

const HOUR_MS = 3_600_000;
const NOW = new Date('2026-12-04T10:30:00Z');

function counts(
  workloads: number,
  enrolled: number,
  strict: number,
): AdoptionCounts {
  const pct = (n: number) => Math.round((n / workloads) * 1000) / 10;
  return {
    workloads,
    enrolled,
    strict,
    permissive: enrolled - strict,
    disable: 0,
    notInMesh: workloads - enrolled,
    percent: {
      enrolled: pct(enrolled),
      strict: pct(strict),
      permissive: pct(enrolled - strict),
      disable: 0,
      notInMesh: pct(workloads - enrolled),
    },
  };
}

const namespace = (
  name: string,
  stage: NamespaceAdoption['stage'],
  c: AdoptionCounts,
): NamespaceAdoption => ({
  cluster: 'demo',
  namespace: name,
  counts: c,
  stage,
  blockers: [],
  exceptions: [],
  telemetryUnknown: false,
  links: {},
});

// Today: payments STRICT (4 workloads), ledger PERMISSIVE (2), core not enrolled (2).
const report = {
  generatedAt: NOW.toISOString(),
  filters: {},
  totals: counts(8, 6, 4),
  byOwner: [],
  bySystem: [],
  byNamespace: [
    namespace('payments', 'strict', counts(4, 4, 4)),
    namespace('ledger', 'permissive', counts(2, 2, 0)),
    namespace('core', 'not-enrolled', counts(2, 0, 0)),
  ],
  entities: [
    {
      entityRef: 'component:default/a',
      stage: 'strict',
      counts: counts(1, 1, 1),
    },
  ],
  topFindings: [],
  unmappedEntities: [],
  telemetryUnavailable: [],
} as unknown as AdoptionReport;

const waves = [
  { namespace: 'payments', enrolledDaysAgo: 20, strictDaysAgo: 10 },
  { namespace: 'ledger', enrolledDaysAgo: 5 },
];

describe('the demo history backfill', () => {
  const rows = rolloutBackfill(report, waves, {
    now: NOW,
    periodMs: HOUR_MS,
    days: 30,
  });
  const mesh = rows.filter(r => r.scope === 'mesh');
  const at = (daysAgo: number) =>
    new Date(
      Math.floor((NOW.getTime() - daysAgo * 86_400_000) / HOUR_MS) * HOUR_MS,
    ).toISOString();
  const meshAt = (daysAgo: number) =>
    mesh.find(r => r.periodStart === at(daysAgo))?.data as AdoptionCounts;
  const stageAt = (ns: string, daysAgo: number) =>
    rows.find(r => r.periodStart === at(daysAgo) && r.subject === `demo/${ns}`)
      ?.stage;

  it('writes one period a day before today, on period boundaries, leaving today to the plugin', () => {
    expect(mesh).toHaveLength(30);
    expect(mesh[0].periodStart).toBe(at(30));
    expect(mesh[29].periodStart).toBe(at(1));
    expect(mesh.every(r => Date.parse(r.periodStart) % HOUR_MS === 0)).toBe(
      true,
    );
    expect(rows.some(r => r.scope === 'entity')).toBe(false);
  });

  it('undoes each wave before its day: STRICT, then PERMISSIVE, then outside the mesh', () => {
    expect(stageAt('payments', 9)).toBe('strict');
    expect(stageAt('payments', 10)).toBe('permissive');
    expect(stageAt('payments', 20)).toBe('not-enrolled');
    expect(stageAt('ledger', 4)).toBe('permissive');
    expect(stageAt('ledger', 5)).toBe('not-enrolled');
    expect(stageAt('core', 25)).toBe('not-enrolled');
  });

  it('moves the mesh totals with the namespaces, so the trend ends where today is', () => {
    expect(meshAt(1)).toEqual(report.totals);
    expect(meshAt(5)).toMatchObject({ workloads: 8, enrolled: 4, strict: 4 });
    expect(meshAt(12)).toMatchObject({
      enrolled: 4,
      strict: 0,
      percent: { enrolled: 50, strict: 0 },
    });
    expect(meshAt(25)).toMatchObject({
      enrolled: 0,
      notInMesh: 8,
      percent: { enrolled: 0, notInMesh: 100 },
    });
  });

  it('counts a blocker per workload outside the mesh before its wave', () => {
    const ledgerThen = rows.find(
      r => r.periodStart === at(6) && r.subject === 'demo/ledger',
    );
    expect(ledgerThen?.data).toMatchObject({ blockers: 2 });
  });
});
