import { CommandProcess, serveCommands } from './commandProcess';
import { CannonRun, RunFigures, TimedRun, cannon, measure } from './measure';

/*
 * The HTTP clients of the benchmark run in their own process, as browsers
 * do: timing the backend from inside its own process would count the
 * client's work and garbage collections as the backend's latency.
 */

type ClientCommand =
  | { cmd: 'measure'; run: TimedRun }
  | { cmd: 'cannon'; run: CannonRun };

/** Runs in the child: measures what the parent asks for. */
export function serveClient() {
  serveCommands<ClientCommand>(async command => {
    switch (command.cmd) {
      case 'measure':
        return measure(command.run);
      case 'cannon':
        return cannon(command.run);
      default:
        throw new Error(`unknown command ${JSON.stringify(command)}`);
    }
  });
}

/** The parent's handle on the client process. */
export class ClientProcess {
  private readonly process = new CommandProcess<ClientCommand>('bin/client.js');

  /** See {@link measure}: requests timed one by one with a monotonic clock. */
  measure(run: TimedRun): Promise<RunFigures> {
    return this.process.call({ cmd: 'measure', run });
  }

  /** See {@link cannon}: many clients at once, bounded in count and time. */
  cannon(run: CannonRun): Promise<RunFigures> {
    return this.process.call({ cmd: 'cannon', run });
  }

  close(): void {
    this.process.kill();
  }
}
