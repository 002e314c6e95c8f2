import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '#src/config/app-config.js';
import { SNIFF_BYTES } from '#src/modules/attachments/domain/content-type.js';

/** What was received into a temporary file; `tooLarge` when the source went over the limit. */
export interface ReceivedFile {
  tempPath: string;
  size: number;
  sha256: string;
  /** The first bytes, for type detection. */
  head: Buffer;
  tooLarge: boolean;
}

export interface StoredFileInfo {
  key: string;
  modifiedAt: Date;
}

/** Random keys in a two-level fan-out: `ab/cd/abcd…` (32 hex digits), never a user's name. */
const KEY_PATTERN = /^([0-9a-f]{2})\/([0-9a-f]{2})\/[0-9a-f]{32}$/;
const HEX2 = /^[0-9a-f]{2}$/;
const TEMP_DIR = '.tmp';

/**
 * The bytes of attachments on the local disk under UPLOAD_DIR. Files arrive in `.tmp/`, are
 * counted and hashed on the way, and move into place with an atomic rename, so a stored key always
 * names a complete file.
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
   * Streams `source` into a new temporary file, hashing and counting as it goes; never holds more
   * than a chunk in memory. Past `maxBytes` it stops writing but keeps reading to the end (so an
   * HTTP upload is consumed and can be answered), then removes the partial file.
   */
  async receive(source: Readable, maxBytes: number): Promise<ReceivedFile> {
    const tempPath = join(this.tempDir, randomBytes(16).toString('hex'));
    const meter = new MeteringTransform(maxBytes);
    try {
      await pipeline(source, meter, createWriteStream(tempPath, { flags: 'wx', flush: true }));
    } catch (error) {
      await this.discardTemp(tempPath);
      throw error;
    }
    if (meter.tooLarge) await this.discardTemp(tempPath);
    return { tempPath, size: meter.size, sha256: meter.hash.digest('hex'), head: meter.head(), tooLarge: meter.tooLarge };
  }

  /**
   * Moves a received file into place under a new random key and returns the key. Its modified
   * time becomes now, so the orphan sweep's grace period counts from here, not from the last byte.
   */
  async keep(tempPath: string): Promise<string> {
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

  async discardTemp(tempPath: string): Promise<void> {
    await rm(tempPath, { force: true });
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

/** Counts, hashes and keeps the first bytes; drops everything past the limit. */
class MeteringTransform extends Transform {
  readonly hash = createHash('sha256');
  size = 0;
  tooLarge = false;
  private readonly headChunks: Buffer[] = [];
  private headBytes = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    if (this.tooLarge || this.size > this.maxBytes) {
      this.tooLarge = true;
      return done();
    }
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
