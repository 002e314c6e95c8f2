import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { conflictOnUnique } from '#src/common/database/pg-errors.js';
import type { CustomFieldDefinition, CustomFieldType } from '#src/modules/custom-fields/domain/custom-field-values.js';

/** A definition as stored. */
export interface CustomFieldRow extends CustomFieldDefinition {
  id: number;
  label: string;
  created_at: Date;
  updated_at: Date;
}

export interface CustomFieldInput {
  key: string;
  label: string;
  type: CustomFieldType;
  options: string[] | null;
  required: boolean;
  agent_only: boolean;
}

const COLUMNS = 'id, key, label, type, options, required, agent_only, created_at, updated_at';

/** A JSON path that names one top-level key (keys are [a-z0-9_], see KEY_PATTERN; quoted anyway). */
const keyPath = (key: string) => `$."${key}"`;

function keyTaken(error: unknown): never {
  throw conflictOnUnique(error, 'A custom field with this key already exists', [{ field: 'key', problems: ['key is taken'] }]);
}

@Injectable()
export class CustomFieldsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Every definition, in id order (also the order of the export's columns). */
  all(): Promise<CustomFieldRow[]> {
    return this.db.query(`SELECT ${COLUMNS} FROM custom_fields ORDER BY id`);
  }

  /**
   * The definitions of `keys`, read in the caller's ticket-write transaction and share-locked until
   * it ends: a definition being changed or deleted (which locks its row FOR UPDATE) is waited for
   * and read as it committed, and one not yet changed cannot change until the ticket is written.
   */
  lockByKeys(keys: readonly string[], manager: EntityManager): Promise<CustomFieldRow[]> {
    return manager.query(`SELECT ${COLUMNS} FROM custom_fields WHERE key = ANY($1::text[]) ORDER BY id FOR SHARE`, [keys]);
  }

  async findById(id: number, manager?: EntityManager): Promise<CustomFieldRow | null> {
    const rows: CustomFieldRow[] = await (manager ?? this.db.manager).query(`SELECT ${COLUMNS} FROM custom_fields WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] ?? null;
  }

  async insert(input: CustomFieldInput): Promise<CustomFieldRow> {
    try {
      const rows: CustomFieldRow[] = await this.db.query(
        `INSERT INTO custom_fields (key, label, type, options, required, agent_only) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
        [input.key, input.label, input.type, input.options, input.required, input.agent_only],
      );
      return rows[0];
    } catch (error) {
      keyTaken(error);
    }
  }

  async update(id: number, input: CustomFieldInput, manager: EntityManager): Promise<CustomFieldRow> {
    try {
      // TypeORM answers an UPDATE with [rows, count].
      const [rows]: [CustomFieldRow[], number] = await manager.query(
        `UPDATE custom_fields SET key = $2, label = $3, type = $4, options = $5, required = $6, agent_only = $7, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, input.key, input.label, input.type, input.options, input.required, input.agent_only],
      );
      return rows[0];
    } catch (error) {
      keyTaken(error);
    }
  }

  async delete(id: number, manager: EntityManager): Promise<void> {
    await manager.query(`DELETE FROM custom_fields WHERE id = $1`, [id]);
  }

  /** Whether any ticket holds a value for `key` (any value, or one of `values`). Uses the GIN index. */
  async inUse(key: string, manager: EntityManager, values?: readonly string[]): Promise<boolean> {
    // One `@>` per value, ORed: each can use the GIN index (`@> ANY (array)` cannot).
    const [row] = values
      ? await manager.query(
          `SELECT EXISTS (SELECT 1 FROM tickets WHERE ${values.map((_, i) => `custom_fields @> $${i + 1}::jsonb`).join(' OR ')}) AS used`,
          values.map((value) => JSON.stringify({ [key]: value })),
        )
      : await manager.query(`SELECT EXISTS (SELECT 1 FROM tickets WHERE custom_fields @? $1::jsonpath) AS used`, [keyPath(key)]);
    return row.used as boolean;
  }

  /** Moves the tickets' values of `from` to the key `to` (a renamed field); `to` null drops them (a deleted field). */
  async moveValues(from: string, to: string | null, manager: EntityManager): Promise<void> {
    await manager.query(
      `UPDATE tickets
          SET custom_fields = (custom_fields - $1::text) || CASE WHEN $2::text IS NULL THEN '{}'::jsonb ELSE jsonb_build_object($2::text, custom_fields -> $1::text) END
        WHERE custom_fields @? $3::jsonpath`,
      [from, to, keyPath(from)],
    );
  }
}
