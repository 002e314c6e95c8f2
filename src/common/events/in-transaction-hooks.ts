import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/**
 * Events handled INSIDE the transaction of the change that causes them, for work that must commit
 * or roll back with it (an outbox row for a mail). Domain events (domain-events.ts) come after the
 * commit and cannot do that. Each module that raises one declares it in its `*.events.ts` by
 * augmenting this interface:
 *
 *   declare module '#src/common/events/in-transaction-hooks.js' {
 *     interface InTransactionEvents { 'message.created': { probe: {…}; payload: {…} } }
 *   }
 *
 * `payload` is what a hook gets; `probe` is what the raiser knows before it chooses how to write
 * (a fast path without a transaction, or a transaction), so it can ask `wants` first.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the modules' augmentations
export interface InTransactionEvents {}

export type InTransactionEventName = keyof InTransactionEvents;
type Probe<K extends InTransactionEventName> = InTransactionEvents[K] extends { probe: infer P } ? P : never;
type Payload<K extends InTransactionEventName> = InTransactionEvents[K] extends { payload: infer P } ? P : never;

export interface InTransactionHook<K extends InTransactionEventName> {
  /** Cheap and without I/O: false when `run` would surely do nothing (the raiser may skip its transaction). */
  wants?(probe: Probe<K>): boolean;
  /** Runs in the raiser's transaction; a throw rolls the change back. */
  run(manager: EntityManager, payload: Payload<K>): Promise<void>;
}

/**
 * The typed registry: a listener module registers at start-up (`on`), the raiser calls `run` in its
 * transaction. The raiser never imports the listener (tickets and messages know nothing of mail).
 */
@Injectable()
export class InTransactionHooks {
  private readonly hooks = new Map<InTransactionEventName, InTransactionHook<never>[]>();

  on<K extends InTransactionEventName>(name: K, hook: InTransactionHook<K>): void {
    this.hooks.set(name, [...(this.hooks.get(name) ?? []), hook as unknown as InTransactionHook<never>]);
  }

  /** Whether any hook is registered for the event (a raiser may skip building the payload). */
  has(name: InTransactionEventName): boolean {
    return this.hooks.has(name);
  }

  /** Whether any hook may act on an event with this probe (no hook: false). */
  wants<K extends InTransactionEventName>(name: K, probe: Probe<K>): boolean {
    return (this.hooks.get(name) ?? []).some((hook) => (hook as unknown as InTransactionHook<K>).wants?.(probe) ?? true);
  }

  async run<K extends InTransactionEventName>(name: K, manager: EntityManager, payload: Payload<K>): Promise<void> {
    for (const hook of this.hooks.get(name) ?? []) await (hook as unknown as InTransactionHook<K>).run(manager, payload);
  }
}
