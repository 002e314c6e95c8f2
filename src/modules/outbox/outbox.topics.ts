/**
 * The payload of each outbox topic. Empty here on purpose: the module that handles a topic declares
 * it by augmenting this interface (as DomainEvents), so the outbox knows nothing of mail or webhooks:
 *
 *   declare module '#src/modules/outbox/outbox.topics.js' {
 *     interface OutboxTopics { mail: OutgoingMail }
 *   }
 *
 * Payloads are stored as JSON: plain data only (no Dates, no Buffers).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the modules' augmentations
export interface OutboxTopics {}

export type OutboxTopic = keyof OutboxTopics;
