/** One mail as the outbox keeps it until it is sent: everything fixed at enqueue time, so a retry sends the same mail. */
export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Without angle brackets, as email_message_ids keeps it. */
  messageId: string;
  inReplyTo: string | null;
  references: string[];
  /** RFC 3834: `auto-generated` on mails no person wrote, so auto-responders do not answer them. */
  autoSubmitted: boolean;
}

/** The mail module's outbox topic (see OutboxTopics). */
declare module '#src/modules/outbox/outbox.topics.js' {
  interface OutboxTopics {
    mail: OutgoingMail;
  }
}
