import { Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import GetAppIcon from '@material-ui/icons/GetApp';
import { parseEntityRef } from '@backstage/catalog-model';
import { useMemo, useState } from 'react';
import {
  AdoptionCounts,
  AdoptionReport,
  ReadinessStage,
} from '@meshportal/plugin-istio-common';
import { STAGE_LABELS, StageStatus } from '../meshStatus';
import { downloadCsv, toCsv } from './csv';

/** What the table groups workloads by. */
export type OwnershipView = 'owner' | 'system' | 'service';

/** One line of the table: a team, a system or a service. */
export interface OwnershipRow {
  name: string;
  workloads: number;
  inMesh: number;
  strict: number;
  permissive: number;
  disable: number;
  notInMesh: number;
  stage?: ReadinessStage;
}

export function ownershipRows(
  report: AdoptionReport,
  view: OwnershipView,
): OwnershipRow[] {
  const groups: Array<{
    name: string;
    counts: AdoptionCounts;
    stage?: ReadinessStage;
  }> = {
    owner: () => report.byOwner.map(o => ({ name: o.owner, counts: o.counts })),
    system: () =>
      report.bySystem.map(s => ({ name: s.system, counts: s.counts })),
    service: () =>
      report.entities.map(e => ({
        name: e.entityRef,
        counts: e.counts,
        stage: e.stage,
      })),
  }[view]();
  return groups.map(g => ({
    name: g.name,
    workloads: g.counts.workloads,
    inMesh: g.counts.percent.enrolled,
    strict: g.counts.percent.strict,
    permissive: g.counts.permissive,
    disable: g.counts.disable,
    notInMesh: g.counts.notInMesh,
    stage: g.stage,
  }));
}

type Field = Exclude<keyof OwnershipRow, 'stage'> | 'stage';

interface ColumnSpec {
  field: Field;
  title: string;
  numeric?: boolean;
}

const COLUMNS: ColumnSpec[] = [
  { field: 'name', title: 'Name' },
  { field: 'workloads', title: 'Workloads', numeric: true },
  { field: 'inMesh', title: 'In mesh (%)', numeric: true },
  { field: 'strict', title: 'STRICT (%)', numeric: true },
  { field: 'permissive', title: 'PERMISSIVE', numeric: true },
  { field: 'disable', title: 'DISABLE', numeric: true },
  { field: 'notInMesh', title: 'Not in mesh', numeric: true },
];

function columnsFor(view: OwnershipView): ColumnSpec[] {
  return view === 'service'
    ? [...COLUMNS, { field: 'stage', title: 'Stage' }]
    : COLUMNS;
}

/**
 * The rows the table shows: filtered by the search text (matching any
 * column, as the table's own search does) and sorted by the chosen column.
 */
export function visibleRows(
  rows: OwnershipRow[],
  view: OwnershipView,
  search: string,
  order?: { column: number; direction: 'asc' | 'desc' },
): OwnershipRow[] {
  const columns = columnsFor(view);
  const needle = search.trim().toUpperCase();
  const filtered = needle
    ? rows.filter(r =>
        columns.some(c =>
          String(r[c.field] ?? '')
            .toUpperCase()
            .includes(needle),
        ),
      )
    : rows;
  const column = order && columns[order.column];
  if (!column) return filtered;
  const sign = order!.direction === 'desc' ? -1 : 1;
  return [...filtered].sort((a, b) => {
    const x = a[column.field];
    const y = b[column.field];
    if (typeof x === 'number' && typeof y === 'number') return sign * (x - y);
    return sign * String(x ?? '').localeCompare(String(y ?? ''));
  });
}

function NameCell(props: { name: string; view: OwnershipView }) {
  try {
    const ref = parseEntityRef(props.name, {
      defaultKind: props.view === 'system' ? 'system' : 'group',
    });
    return <EntityRefLink entityRef={ref} />;
  } catch {
    // Workloads no catalog entity claims are grouped under a label, not a ref.
    return <>{props.name}</>;
  }
}

function cellRenderers(
  view: OwnershipView,
): Partial<Record<Field, (row: OwnershipRow) => JSX.Element | null>> {
  return {
    name: row => <NameCell name={row.name} view={view} />,
    stage: row => (row.stage ? <StageStatus stage={row.stage} /> : null),
  };
}

/**
 * Adoption by team, system or service: sortable, searchable, exportable
 * as CSV exactly as filtered and sorted on screen.
 */
export function OwnershipTable(props: { report: AdoptionReport }) {
  const [view, setView] = useState<OwnershipView>('owner');
  const [search, setSearch] = useState('');
  const [order, setOrder] = useState<
    { column: number; direction: 'asc' | 'desc' } | undefined
  >();
  const rows = useMemo(
    () => ownershipRows(props.report, view),
    [props.report, view],
  );
  const specs = columnsFor(view);
  const columns: TableColumn<OwnershipRow>[] = specs.map(c => ({
    title: c.title,
    field: c.field,
    type: c.numeric ? 'numeric' : undefined,
    render: cellRenderers(view)[c.field],
  }));
  const exportCsv = () => {
    const csv = toCsv(
      specs.map(c => ({
        title: c.title,
        value: (r: OwnershipRow) =>
          c.field === 'stage' && r.stage ? STAGE_LABELS[r.stage] : r[c.field],
      })),
      visibleRows(rows, view, search, order),
    );
    downloadCsv(`mesh-adoption-by-${view}.csv`, csv);
  };
  return (
    <>
      <Box display="flex" alignItems="center" justifyContent="space-between">
        <Tabs
          value={view}
          onChange={(_e, v) => {
            setView(v);
            setOrder(undefined);
            setSearch('');
          }}
          aria-label="Group adoption by"
          indicatorColor="primary"
        >
          <Tab value="owner" label="By owner" />
          <Tab value="system" label="By system" />
          <Tab value="service" label="By service" />
        </Tabs>
        <Button
          variant="outlined"
          startIcon={<GetAppIcon />}
          onClick={exportCsv}
        >
          Export CSV
        </Button>
      </Box>
      <Table<OwnershipRow>
        key={view}
        title={`Adoption by ${view}`}
        options={{ search: true, paging: rows.length > 20, pageSize: 20 }}
        columns={columns}
        data={rows}
        onSearchChange={setSearch}
        onOrderChange={(column, direction) =>
          setOrder(column < 0 ? undefined : { column, direction })
        }
      />
    </>
  );
}
