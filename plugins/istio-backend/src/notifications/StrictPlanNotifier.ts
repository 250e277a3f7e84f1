import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  NotifyCallerOwnersRequest,
  NotifyCallerOwnersResponse,
  ResolvedCaller,
} from '@meshportal/plugin-istio-common';
import { NoticeStore } from './NoticeStore';

const NOTE_MAX = 1000;

/** Notification topic of "going STRICT" notices. @public */
export const STRICT_PLANNED_TOPIC = 'istio-strict-planned';

/**
 * Reads the body of a "notify caller owners" request; InputError listing
 * every problem.
 * @public
 */
export function readNotifyRequest(
  body: unknown,
  today: Date = new Date(),
): NotifyCallerOwnersRequest {
  const problems: string[] = [];
  const { plannedDate, note } = (body ?? {}) as Record<string, unknown>;
  if (
    typeof plannedDate !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}$/.test(plannedDate)
  ) {
    problems.push('"plannedDate" must be a date as YYYY-MM-DD');
  } else if (
    Number.isNaN(Date.parse(`${plannedDate}T00:00:00Z`)) ||
    new Date(`${plannedDate}T00:00:00Z`).toISOString().slice(0, 10) !==
      plannedDate
  ) {
    problems.push(`"plannedDate" is not a calendar date: ${plannedDate}`);
  } else if (plannedDate < today.toISOString().slice(0, 10)) {
    problems.push(`"plannedDate" ${plannedDate} is in the past`);
  }
  if (note !== undefined && typeof note !== 'string') {
    problems.push('"note" must be text');
  } else if (typeof note === 'string' && note.length > NOTE_MAX) {
    problems.push(`"note" is longer than ${NOTE_MAX} characters`);
  }
  if (problems.length) throw new InputError(problems.join('; '));
  return {
    plannedDate: plannedDate as string,
    ...(typeof note === 'string' && note.trim() ? { note: note.trim() } : {}),
  };
}

function whatToChange(callers: ResolvedCaller[], target: string): string {
  return callers
    .map(
      c =>
        `- ${c.sourceNamespace}/${c.sourceWorkload} calls ${c.cluster}/${c.destination} in plaintext (${c.count} requests or connections over the telemetry window): run it with its Istio proxy (restart its pods with the sidecar, or enrol its namespace in ambient), and remove any DestinationRule that sets tls mode DISABLE toward ${target}`,
    )
    .join('\n');
}

/**
 * Tells the owners of a target's plaintext callers that the target goes
 * STRICT on a planned day, and what each of their callers must change. An
 * owner is told once per target and day, whoever asks and however often.
 * @public
 */
export class StrictPlanNotifier {
  constructor(
    private readonly options: {
      notifications: NotificationService;
      store: NoticeStore;
      logger: LoggerService;
    },
  ) {}

  async notify(options: {
    /** What goes STRICT: an entity ref or `cluster/namespace`. */
    target: string;
    /** Where the notice links. */
    link: string;
    callers: ResolvedCaller[];
    request: NotifyCallerOwnersRequest;
    /** Who asked, for the notice's wording. */
    requestedBy: string;
  }): Promise<NotifyCallerOwnersResponse> {
    const { target, link, callers, request, requestedBy } = options;
    const byOwner = new Map<string, ResolvedCaller[]>();
    const unclaimed: NotifyCallerOwnersResponse['unclaimed'] = [];
    for (const caller of callers) {
      const owners = [
        ...new Set(caller.entities.flatMap(e => (e.owner ? [e.owner] : []))),
      ];
      if (!owners.length) {
        unclaimed.push({
          sourceNamespace: caller.sourceNamespace,
          sourceWorkload: caller.sourceWorkload,
        });
      }
      for (const owner of owners) {
        byOwner.set(owner, [...(byOwner.get(owner) ?? []), caller]);
      }
    }
    const notified: string[] = [];
    const alreadyNotified: string[] = [];
    for (const [owner, owned] of [...byOwner].sort(([a], [b]) =>
      a.localeCompare(b),
    )) {
      const key = `${STRICT_PLANNED_TOPIC}\u0000${target}\u0000${request.plannedDate}\u0000${owner}`;
      const claimed = await this.options.store.claim({
        key,
        topic: 'strict-planned',
        subject: target,
        recipients: [owner],
      });
      if (!claimed) {
        alreadyNotified.push(owner);
        continue;
      }
      try {
        await this.options.notifications.send({
          recipients: { type: 'entity', entityRef: owner },
          payload: {
            title: `${target} goes STRICT mTLS on ${request.plannedDate}`,
            description: [
              `From ${request.plannedDate}, ${target} accepts only mutual TLS: plaintext calls to it will be refused. Your workloads call it without mTLS:`,
              whatToChange(owned, target),
              request.note ? `Note from ${requestedBy}: ${request.note}` : '',
            ]
              .filter(Boolean)
              .join('\n'),
            link,
            severity: 'high',
            topic: STRICT_PLANNED_TOPIC,
          },
        });
        notified.push(owner);
      } catch (error) {
        // Not sent: give the claim back so that asking again sends it.
        await this.options.store.release(key);
        this.options.logger.warn(
          `istio: could not notify ${owner} that ${target} goes STRICT: ${error}`,
        );
        throw new ServiceUnavailableError(
          `the notifications service did not take the notice for ${owner}${
            notified.length
              ? `; ${notified.join(', ')} were told and will not be told again`
              : ''
          }`,
        );
      }
    }
    return { notified, alreadyNotified, unclaimed: uniqueCallers(unclaimed) };
  }
}

function uniqueCallers(
  callers: NotifyCallerOwnersResponse['unclaimed'],
): NotifyCallerOwnersResponse['unclaimed'] {
  const seen = new Map(
    callers.map(c => [`${c.sourceNamespace}/${c.sourceWorkload}`, c]),
  );
  return [...seen.values()];
}
