/**
 * When each cluster's report is rebuilt: debounced after changes, at least
 * every `maxWaitMs` under constant churn so it never starves, and when a
 * root certificate finding next changes with time alone.
 */
export class ReportSchedule {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Recomputations due when a root certificate finding changes with time. */
  private readonly certificateReviews = new Map<string, NodeJS.Timeout>();
  private readonly pendingSince = new Map<string, number>();

  constructor(
    private readonly options: { debounceMs: number; maxWaitMs: number },
  ) {}

  /** The cluster's objects changed: rebuild once they settle. */
  changed(cluster: string, rebuild: () => void) {
    const { debounceMs, maxWaitMs } = this.options;
    const now = Date.now();
    const first = this.pendingSince.get(cluster) ?? now;
    this.pendingSince.set(cluster, first);
    clearTimeout(this.timers.get(cluster));
    this.timers.set(
      cluster,
      setTimeout(
        rebuild,
        Math.max(0, Math.min(debounceMs, first + maxWaitMs - now)),
      ),
    );
  }

  /** A rebuild starts now: what was pending is covered by it. */
  rebuilding(cluster: string) {
    clearTimeout(this.timers.get(cluster));
    this.pendingSince.delete(cluster);
  }

  /** Rebuilds after `delayMs`, replacing the cluster's previous review; none when undefined. */
  reviewAfter(
    cluster: string,
    delayMs: number | undefined,
    rebuild: () => void,
  ) {
    clearTimeout(this.certificateReviews.get(cluster));
    this.certificateReviews.delete(cluster);
    if (delayMs === undefined) return;
    const timer = setTimeout(rebuild, delayMs);
    timer.unref?.();
    this.certificateReviews.set(cluster, timer);
  }

  stop() {
    this.timers.forEach(t => clearTimeout(t));
    this.certificateReviews.forEach(t => clearTimeout(t));
  }
}
