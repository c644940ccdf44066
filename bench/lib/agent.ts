/**
 * A benchmark "agent": a child process that hosts what is measured (a server) while the parent
 * process generates the load, so load generator and server never share one event loop. The child
 * inherits the parent's tsx loader; requests and replies travel over the IPC channel.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

/** A request from the parent. */
export interface AgentRequest {
  readonly id: number;
  readonly cmd: string;
  readonly args?: unknown;
}

/** A reply from the child (id 0 is the ready message). */
export interface AgentReply {
  readonly id: number;
  readonly ok: boolean;
  readonly result?: unknown;
  readonly error?: string;
}

/** The parent's handle on a running agent. */
export interface Agent<Ready> {
  readonly ready: Ready;
  readonly pid: number;
  call<T>(cmd: string, args?: unknown): Promise<T>;
  /** Asks the child to stop and waits for it to exit (kills it after a grace period). */
  stop(): Promise<void>;
}

/** Options of {@link spawnAgent}. */
export interface SpawnOptions {
  /** Extra environment variables for the child. */
  readonly env?: Record<string, string>;
  /** How long the child may take to become ready. */
  readonly timeoutMs?: number;
}

/** Forks `file` and waits for its ready message (rejecting if it exits first or takes too long). */
export function spawnAgent<Ready>(file: string, opts: SpawnOptions = {}): Promise<Agent<Ready>> {
  const timeoutMs = opts.timeoutMs ?? 180_000;
  const child: ChildProcess = fork(file, [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...opts.env },
  });
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let next = 1;
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`agent ${file} was not ready within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('exit', (code) => {
      exited = true;
      clearTimeout(timer);
      reject(new Error(`agent ${file} exited with code ${String(code)} before it was ready`));
      for (const p of pending.values()) p.reject(new Error('agent exited'));
      pending.clear();
    });
    child.on('message', (raw) => {
      const msg = raw as AgentReply;
      if (msg.id === 0) {
        clearTimeout(timer);
        if (!msg.ok) {
          reject(new Error(msg.error ?? 'agent failed to start'));
          return;
        }
        resolve({
          ready: msg.result as Ready,
          pid: child.pid ?? -1,
          call<T>(cmd: string, args?: unknown): Promise<T> {
            if (exited) return Promise.reject(new Error('agent has exited'));
            const id = next++;
            return new Promise<T>((res, rej) => {
              pending.set(id, { resolve: (v) => res(v as T), reject: rej });
              child.send({ id, cmd, args } satisfies AgentRequest);
            });
          },
          async stop() {
            if (exited) return;
            child.send({ id: next++, cmd: 'stop' } satisfies AgentRequest);
            const grace = setTimeout(() => child.kill('SIGKILL'), 30_000);
            await exit;
            clearTimeout(grace);
          },
        });
        return;
      }
      const p = pending.get(msg.id);
      if (p === undefined) return;
      pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(msg.error ?? 'agent call failed'));
    });
  });
}

/** Child side: sends the ready message and serves calls until 'stop' (then runs `close` and exits). */
export function serveAgent(
  start: () => Promise<{
    ready: unknown;
    handlers: Record<string, (args: unknown) => Promise<unknown>>;
    close(): Promise<void>;
  }>,
): void {
  const send = (reply: AgentReply): void => {
    process.send?.(reply);
  };
  start().then(
    (agent) => {
      const { ready, handlers } = agent;
      const close = (): Promise<void> => agent.close();
      process.on('message', (raw) => {
        const req = raw as AgentRequest;
        if (req.cmd === 'stop') {
          close().then(
            () => process.exit(0),
            () => process.exit(1),
          );
          return;
        }
        const handler = handlers[req.cmd];
        if (handler === undefined) {
          send({ id: req.id, ok: false, error: `unknown command ${req.cmd}` });
          return;
        }
        handler(req.args).then(
          (result) => send({ id: req.id, ok: true, result }),
          (error: unknown) =>
            send({ id: req.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
        );
      });
      // The parent going away ends the agent too.
      process.on('disconnect', () => {
        void close().finally(() => process.exit(0));
      });
      send({ id: 0, ok: true, result: ready });
    },
    (error: unknown) => {
      send({
        id: 0,
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
      process.exit(1);
    },
  );
}
