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
  /**
   * The `Date:` header, ISO-8601: when the reply was written (else when the mail was queued), so a
   * mail client orders a late delivery where it belongs. Absent on rows queued before it existed.
   */
  date?: string;
  /**
   * Attachment ids whose files go with the mail, read from storage when it is sent (the bytes
   * never sit in the outbox). A file deleted meanwhile is left out.
   */
  attachmentIds?: number[];
}

/** A file the transport attaches, streamed from disk. */
export interface MailAttachment {
  filename: string;
  contentType: string;
  path: string;
}

/** The mail module's outbox topic (see OutboxTopics). */
declare module '#src/modules/outbox/outbox.topics.js' {
  interface OutboxTopics {
    mail: OutgoingMail;
  }
}
