import { LabelRequirement, labelsMatch } from '@meshportal/plugin-istio-common';

/**
 * Items (workloads, Services) indexed by their labels, so a selector with
 * an equality or `in` term looks at the few items carrying one of its
 * values instead of every item of the cluster. An item may be indexed
 * under several label sets (a controller's own labels and its pod
 * template's): it matches when any of them satisfies the selector.
 * @public
 */
export class LabelIndex<T> {
  private readonly items: Array<{
    item: T;
    labelSets: Record<string, string>[];
  }> = [];
  private readonly byLabel = new Map<string, number[]>();

  add(item: T, labelSets: Record<string, string>[]): void {
    const position = this.items.length;
    this.items.push({ item, labelSets });
    const keys = new Set<string>();
    for (const labels of labelSets) {
      for (const [key, value] of Object.entries(labels)) {
        keys.add(`${key}=${value}`);
      }
    }
    for (const key of keys) {
      const list = this.byLabel.get(key);
      if (list) list.push(position);
      else this.byLabel.set(key, [position]);
    }
  }

  /** The items one of whose label sets satisfies every requirement, in insertion order. */
  select(
    requirements: LabelRequirement[],
    accept: (item: T) => boolean = () => true,
  ): T[] {
    const narrowing = requirements.find(r => r.operator === 'in') as
      | { key: string; values: string[] }
      | undefined;
    let positions: Iterable<number>;
    if (narrowing) {
      const found = new Set<number>();
      for (const value of narrowing.values) {
        for (const p of this.byLabel.get(`${narrowing.key}=${value}`) ?? []) {
          found.add(p);
        }
      }
      positions = [...found].sort((a, b) => a - b);
    } else {
      positions = this.items.keys();
    }
    const selected: T[] = [];
    for (const p of positions) {
      const { item, labelSets } = this.items[p];
      if (
        accept(item) &&
        labelSets.some(labels => labelsMatch(requirements, labels))
      ) {
        selected.push(item);
      }
    }
    return selected;
  }
}
