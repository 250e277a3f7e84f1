import {
  KubeTestServer,
  RequestCounters,
  startKubeTestServer,
} from '@meshportal/kube-test-server';
import { CommandProcess, serveCommands } from './commandProcess';
import { MeshSize, generateMesh, podsOf } from './mesh';

/*
 * The Kubernetes API server of the benchmark runs in its own process, as a
 * real one would: its CPU time (filtering 50k pods by label for every
 * request of the Kubernetes plugin) must not stall the backend's event loop.
 */

type ApiServerCommand =
  | { cmd: 'start'; size: MeshSize; seed: number; latencyMs: number }
  | { cmd: 'counters' }
  | { cmd: 'secretRequests' }
  | { cmd: 'clear' }
  | { cmd: 'churnStart'; fraction: number; intervalMs: number }
  | { cmd: 'churnStop' }
  | { cmd: 'churnUpdated' }
  | { cmd: 'flipPeerAuthentication'; namespace: string }
  | { cmd: 'close' };

/** Runs in the child: answers the parent's commands. */
export function serveApiServer() {
  let server: KubeTestServer | undefined;
  let pods: any[] = [];
  // Each namespace's PeerAuthentication, by namespace: the visible change.
  let peerAuthentications = new Map<string, any>();
  let churn: NodeJS.Timeout | undefined;
  let updated = 0;
  let cursor = 0;
  let tick = 0;

  async function handle(command: ApiServerCommand): Promise<unknown> {
    switch (command.cmd) {
      case 'start': {
        const mesh = generateMesh(command.size, command.seed);
        pods = podsOf(mesh);
        peerAuthentications = new Map(
          mesh.objects
            .filter(o => o.kind === 'PeerAuthentication')
            .map(o => [o.metadata.namespace, o]),
        );
        server = await startKubeTestServer({
          latencyMs: command.latencyMs,
          historySize: 50_000,
          bookmarkIntervalMs: 60_000,
        });
        server.load(mesh.objects);
        return { url: server.url, token: server.token, caData: server.caData };
      }
      case 'counters':
        return server!.counters();
      case 'secretRequests':
        return server!.secretRequests().length;
      case 'clear':
        server!.clearRequests();
        return null;
      case 'churnStart': {
        const batch = Math.max(1, Math.round(pods.length * command.fraction));
        churn = setInterval(() => {
          tick++;
          const changed = [];
          for (let i = 0; i < batch; i++) {
            const pod = pods[cursor++ % pods.length];
            pod.metadata.annotations = {
              ...pod.metadata.annotations,
              'bench.meshportal.io/tick': String(tick),
            };
            changed.push(pod);
          }
          server!.load(changed);
          updated += changed.length;
        }, command.intervalMs);
        return null;
      }
      case 'churnStop':
        clearInterval(churn);
        return { updated, ticks: tick };
      case 'churnUpdated':
        return updated;
      case 'flipPeerAuthentication': {
        // STRICT <-> PERMISSIVE: a change every entity of the namespace shows.
        const pa = peerAuthentications.get(command.namespace);
        if (!pa)
          throw new Error(`no PeerAuthentication in ${command.namespace}`);
        const mode = pa.spec.mtls.mode === 'STRICT' ? 'PERMISSIVE' : 'STRICT';
        pa.spec = { ...pa.spec, mtls: { mode } };
        server!.load([pa]);
        return { name: pa.metadata.name, mode };
      }
      case 'close':
        clearInterval(churn);
        await server?.close();
        return null;
      default:
        throw new Error(`unknown command ${JSON.stringify(command)}`);
    }
  }

  serveCommands(handle);
}

/** The parent's handle on the API server process. */
export class ApiServerProcess {
  private constructor(
    private readonly process: CommandProcess<ApiServerCommand>,
  ) {}

  static spawn(): ApiServerProcess {
    return new ApiServerProcess(new CommandProcess('bin/apiserver.js'));
  }

  private call<T>(command: ApiServerCommand): Promise<T> {
    return this.process.call<T>(command);
  }

  start(size: MeshSize, seed: number, latencyMs: number) {
    return this.call<{ url: string; token: string; caData: string }>({
      cmd: 'start',
      size,
      seed,
      latencyMs,
    });
  }
  counters() {
    return this.call<RequestCounters>({ cmd: 'counters' });
  }
  secretRequests() {
    return this.call<number>({ cmd: 'secretRequests' });
  }
  clear() {
    return this.call<null>({ cmd: 'clear' });
  }
  churnStart(fraction: number, intervalMs: number) {
    return this.call<null>({ cmd: 'churnStart', fraction, intervalMs });
  }
  churnStop() {
    return this.call<{ updated: number; ticks: number }>({ cmd: 'churnStop' });
  }
  /** Pod updates written since churnStart. */
  churnUpdated() {
    return this.call<number>({ cmd: 'churnUpdated' });
  }
  /** Flips the namespace's PeerAuthentication between STRICT and PERMISSIVE. */
  flipPeerAuthentication(namespace: string) {
    return this.call<{ name: string; mode: string }>({
      cmd: 'flipPeerAuthentication',
      namespace,
    });
  }
  async close() {
    await this.call<null>({ cmd: 'close' }).catch(() => undefined);
    this.process.kill();
  }
}
