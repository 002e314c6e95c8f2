import { createHash, randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { fileTypeFromFile } from 'file-type';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { AppConfig } from '#src/config/app-config.js';
import { detectContentType, SNIFF_BYTES } from '#src/modules/attachments/domain/content-type.js';

/** A file accepted into storage: in place under its key, with what was learnt on the way in. */
export interface StoredFile {
  key: string;
  size: number;
  sha256: string;
  /** Decided by the bytes (`detectContentType`): the sender's label counts only for passive text. */
  contentType: string;
}

export interface StoredFileInfo {
  key: string;
  modifiedAt: Date;
}

/** Random keys in a two-level fan-out: `ab/cd/abcd…` (32 hex digits), never a user's name. */
const KEY_PATTERN = /^([0-9a-f]{2})\/([0-9a-f]{2})\/[0-9a-f]{32}$/;
const HEX2 = /^[0-9a-f]{2}$/;
const TEMP_DIR = '.tmp';

export const fileTooLarge = (maxBytes: number) =>
  new AppError(ErrorCode.PAYLOAD_TOO_LARGE, `A file may be at most ${maxBytes} bytes`, [{ field: 'file', problems: ['too large'] }]);

/**
 * The bytes of attachments on the local disk under UPLOAD_DIR. Files arrive in `.tmp/`, are
 * counted and hashed on the way, flushed, and move into place with an atomic rename, so a stored
 * key always names a complete file.
 */
@Injectable()
export class AttachmentStorage implements OnModuleInit {
  private readonly logger = new Logger(AttachmentStorage.name);
  readonly root: string;
  private readonly tempDir: string;

  constructor(config: AppConfig) {
    this.root = resolve(config.uploadDir);
    this.tempDir = join(this.root, TEMP_DIR);
  }

  async onModuleInit(): Promise<void> {
    await mkdir(this.tempDir, { recursive: true });
  }

  /**
   * Streams `source` into a new temporary file, hashing and counting as it goes (never more than
   * a chunk in memory), flushes it, detects its type (`declaredType`, the type the sender gave,
   * is kept only where `detectContentType` allows), and moves it into place under a new random
   * key. Past `maxBytes` it fails at once with 413. On any failure the partial file is removed.
   */
  async accept(source: Readable, maxBytes: number, declaredType?: string): Promise<StoredFile> {
    const tempPath = join(this.tempDir, randomBytes(16).toString('hex'));
    const meter = new MeteringTransform(maxBytes);
    // Opened (created) before the first byte, not by the write stream as it starts: a source that
    // fails at once would otherwise reject the pipeline while the stream is still opening, and the
    // file would appear after the removal below.
    let file: FileHandle | undefined;
    try {
      file = await open(tempPath, 'wx');
      await pipeline(source, meter, file.createWriteStream({ flush: true }));
      // The whole file, not just its head: Office documents are ZIPs told apart by entries that
      // may sit far into the archive.
      const recognised = await fileTypeFromFile(tempPath);
      const contentType = detectContentType(recognised?.mime, meter.head(), declaredType);
      return { key: await this.keep(tempPath), size: meter.size, sha256: meter.hash.digest('hex'), contentType };
    } catch (error) {
      await file?.close().catch(() => undefined); // the stream closes it, unless it never started
      await rm(tempPath, { force: true });
      throw error;
    }
  }

  /**
   * Moves a received file into place under a new random key and returns the key. Its modified
   * time becomes now, so the orphan sweep's grace period counts from here, not from the last byte.
   */
  private async keep(tempPath: string): Promise<string> {
    const name = randomBytes(16).toString('hex');
    const key = `${name.slice(0, 2)}/${name.slice(2, 4)}/${name}`;
    await mkdir(join(this.root, name.slice(0, 2), name.slice(2, 4)), { recursive: true });
    const now = new Date();
    await utimes(tempPath, now, now);
    await rename(tempPath, this.pathOf(key));
    return key;
  }

  /** The absolute path of a stored key; refuses anything that is not one of our keys. */
  pathOf(key: string): string {
    if (!KEY_PATTERN.test(key)) throw new Error(`Not a storage key: ${JSON.stringify(key)}`);
    return join(this.root, key);
  }

  /** Removes stored files; a failure is logged, and the orphan sweep retries it later. */
  async remove(keys: string[]): Promise<void> {
    await Promise.all(
      keys.map(async (key) => {
        try {
          await rm(this.pathOf(key), { force: true });
        } catch (error) {
          this.logger.error({ err: error, key }, 'Could not remove an attachment file; the orphan sweep will retry');
        }
      }),
    );
  }

  /** Every stored file, one fan-out folder at a time. */
  async *listStored(): AsyncGenerator<StoredFileInfo> {
    for (const first of await this.names(this.root)) {
      if (!HEX2.test(first)) continue;
      for (const second of await this.names(join(this.root, first))) {
        if (!HEX2.test(second)) continue;
        for (const name of await this.names(join(this.root, first, second))) {
          const key = `${first}/${second}/${name}`;
          if (!KEY_PATTERN.test(key)) continue;
          const info = await stat(join(this.root, key)).catch(() => null);
          if (info?.isFile()) yield { key, modifiedAt: info.mtime };
        }
      }
    }
  }

  /** Temporary files older than `before` (uploads that died half-way); removes them. */
  async removeStaleTemp(before: Date): Promise<number> {
    let removed = 0;
    for (const name of await this.names(this.tempDir)) {
      const path = join(this.tempDir, name);
      const info = await stat(path).catch(() => null);
      if (info?.isFile() && info.mtime < before) {
        await rm(path, { force: true });
        removed += 1;
      }
    }
    return removed;
  }

  private async names(dir: string): Promise<string[]> {
    try {
      return await readdir(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }
}

/** Counts, hashes and keeps the first bytes; fails as soon as the limit is passed. */
class MeteringTransform extends Transform {
  readonly hash = createHash('sha256');
  size = 0;
  private readonly headChunks: Buffer[] = [];
  private headBytes = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) return done(fileTooLarge(this.maxBytes));
    if (this.headBytes < SNIFF_BYTES) {
      const part = chunk.subarray(0, SNIFF_BYTES - this.headBytes);
      this.headChunks.push(Buffer.from(part));
      this.headBytes += part.length;
    }
    this.hash.update(chunk);
    done(null, chunk);
  }

  head(): Buffer {
    return Buffer.concat(this.headChunks);
  }
}
