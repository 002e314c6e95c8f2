/**
 * The in-process domain events, published through @nestjs/event-emitter after the change is
 * committed. Listeners (realtime delivery, webhooks, SLA) subscribe by name; publishers never
 * know who listens. Payloads carry response shapes, ready to deliver.
 *
 * Empty here on purpose: each module declares its own events in its `*.events.ts` by augmenting
 * this interface (TypeScript declaration merging), so common/ imports nothing from modules/:
 *
 *   declare module '#src/common/events/domain-events.js' {
 *     interface DomainEvents { 'ticket.created': { ticket: TicketResponseDto; … } }
 *   }
 *
 * An augmentation counts only when its file is part of the program, so whatever publishes or
 * listens to an event imports the file declaring it: `import type {} from '…/x.events.js'`.
 * `import type` because those files hold only types: tsc follows the import into the program,
 * and tsc and swc (which compiles each file alone, as `isolatedModules` assumes) erase the line,
 * so nothing extra loads at run time. A bare `import '…events.js'` would type-check too, but
 * would load an empty module at run time. Type-checking from `src/main.ts` alone proves every
 * event used is declared and loaded (a missing import makes `publish` reject the name).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the modules' augmentations
export interface DomainEvents {}

export type DomainEventName = keyof DomainEvents;
