import type { AttachmentResponseDto } from '#src/modules/attachments/dto/attachment.dto.js';

/** The attachments module's domain events (see DomainEvents): after the file is committed. */
declare module '#src/common/events/domain-events.js' {
  interface DomainEvents {
    /** A file uploaded on a ticket or one of its messages (not on an internal note): the customer may see it. */
    'attachment.created': { ticketId: number; attachment: AttachmentResponseDto };
  }
}
