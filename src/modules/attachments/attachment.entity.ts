import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A file on a message, a note or a ticket itself (exactly one of the three); its bytes live at `storageKey`. */
@Entity('attachments')
export class AttachmentEntity {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'ALWAYS' })
  id: number;

  @Column({ type: 'integer', nullable: true })
  messageId: number | null;

  @Column({ type: 'integer', nullable: true })
  noteId: number | null;

  @Column({ type: 'integer', nullable: true })
  ticketId: number | null;

  @Column({ type: 'integer', nullable: true })
  uploaderId: number | null;

  /**
   * Uploaded for a message not yet sent (on `ticketId`, seen only by its uploader): a message's
   * `attachment_ids` claims it, or the cleanup removes it after UPLOAD_PENDING_TTL_MINUTES.
   */
  @Column({ type: 'boolean', default: false })
  pending: boolean;

  @Column({ type: 'varchar', length: 255 })
  filename: string;

  @Column({ type: 'varchar', length: 255 })
  contentType: string;

  /** bigint comes back from pg as a string; files are far below 2^53 bytes. */
  @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  size: number;

  @Column({ type: 'char', length: 64 })
  sha256: string;

  @Column({ type: 'varchar', length: 100 })
  storageKey: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
