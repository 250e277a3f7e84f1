import { fork, ChildProcess } from 'node:child_process';
import { resolvePackagePath } from '@backstage/backend-plugin-api';

/*
 * The benchmark's helpers (the Kubernetes API server, the HTTP clients) run
 * in processes of their own, apart from the backend they measure, as they
 * would in a real installation: their CPU time and garbage must not land on
 * the backend's event loop and heap.
 */

/** A command sent to a helper process. */
export interface Command {
  cmd: string;
}

/** Runs in a child: answers the parent's commands with `handle`. */
export function serveCommands<C extends Command>(
  handle: (command: C) => Promise<unknown>,
): void {
  process.on('message', (message: { id: number; command: C }) => {
    handle(message.command).then(
      result => process.send!({ id: message.id, result }),
      error => process.send!({ id: message.id, error: String(error) }),
    );
  });
}

/** The parent's handle on a helper process started from one of bin/. */
export class CommandProcess<C extends Command> {
  private next = 0;
  private readonly waiting = new Map<
    number,
    { resolve: (v: any) => void; reject: (e: Error) => void }
  >();
  private readonly child: ChildProcess;

  constructor(bin: string) {
    this.child = fork(resolvePackagePath('@meshportal/bench', bin), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: ['--max-old-space-size=4096'],
    });
    this.child.on(
      'message',
      (m: { id: number; result?: any; error?: string }) => {
        const w = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        if (m.error) w?.reject(new Error(m.error));
        else w?.resolve(m.result);
      },
    );
  }

  call<T>(command: C): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.send({ id, command });
    });
  }

  kill(): void {
    this.child.kill();
  }
}
