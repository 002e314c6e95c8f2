import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { DEFAULT_LIMIT, decodeCursor, type Page, type PaginationQueryDto, toPage } from '#src/common/pagination/pagination.js';
import { CustomFieldDefinitionsCache } from '#src/modules/custom-fields/custom-field-definitions.cache.js';
import { type CustomFieldInput, type CustomFieldRow, CustomFieldsRepository } from '#src/modules/custom-fields/custom-fields.repository.js';
import {
  type CheckedCustomFields,
  checkCustomFields,
  type CustomFieldAudience,
  type CustomFieldValue,
  type CustomFieldValues,
  definitionFor,
  parseFilterValue,
  visibleValues,
} from '#src/modules/custom-fields/domain/custom-field-values.js';
import {
  type CreateCustomFieldDto,
  type CustomFieldResponseDto,
  toCustomFieldResponse,
  type UpdateCustomFieldDto,
} from '#src/modules/custom-fields/dto/custom-field.dto.js';

const notFound = () => new AppError(ErrorCode.NOT_FOUND, 'Custom field not found');
const invalid = (field: string, problem: string) => new AppError(ErrorCode.VALIDATION_FAILED, 'The request is not valid', [{ field, problems: [problem] }]);

/** A select field needs its choices; other types take none. */
function withOptions(input: Omit<CustomFieldInput, 'options'>, options: string[] | null | undefined, given: boolean): CustomFieldInput {
  if (input.type !== 'select') {
    if (given) throw invalid('options', 'options are only for select fields');
    return { ...input, options: null };
  }
  if (!options) throw invalid('options', 'a select field needs options');
  return { ...input, options };
}

function throwProblems(checked: CheckedCustomFields): CheckedCustomFields {
  if (checked.problems.length > 0) throw new AppError(ErrorCode.VALIDATION_FAILED, 'Some custom fields are not valid', checked.problems);
  return checked;
}

@Injectable()
export class CustomFieldsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: CustomFieldsRepository,
    private readonly cache: CustomFieldDefinitionsCache,
  ) {}

  /** In id order, from the cached definitions. */
  async list(query: PaginationQueryDto): Promise<Page<CustomFieldResponseDto>> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const afterId = query.cursor ? (decodeCursor(query.cursor, ['int'])[0] as number) : 0;
    const { ordered } = await this.cache.get();
    const rows = ordered.filter((row) => row.id > afterId).slice(0, limit + 1);
    return toPage(rows, limit, toCustomFieldResponse, (row) => [row.id]);
  }

  async get(id: number): Promise<CustomFieldResponseDto> {
    const row = (await this.cache.get()).ordered.find((r) => r.id === id);
    if (!row) throw notFound();
    return toCustomFieldResponse(row);
  }

  async create(dto: CreateCustomFieldDto): Promise<CustomFieldResponseDto> {
    const input = withOptions(
      { key: dto.key, label: dto.label, type: dto.type, required: dto.required ?? false, agent_only: dto.agent_only ?? false },
      dto.options,
      dto.options !== undefined,
    );
    const row = await this.repository.insert(input);
    this.cache.invalidate();
    return toCustomFieldResponse(row);
  }

  /**
   * Changes a definition. A new key moves every ticket's value to it; a new type is refused while
   * any ticket holds a value (there is no safe conversion of, say, text to a date); a select
   * field's choice that some ticket holds cannot be removed. Making a field required does not
   * touch tickets that lack it (see README, "Custom fields").
   */
  async update(id: number, dto: UpdateCustomFieldDto): Promise<CustomFieldResponseDto> {
    const row = await this.dataSource.transaction(async (manager) => {
      const current = await this.repository.findById(id, manager);
      if (!current) throw notFound();
      const type = dto.type ?? current.type;
      const options = dto.options ?? (type === current.type ? (current.options as string[] | null) : null);
      const next = withOptions(
        {
          key: dto.key ?? current.key,
          label: dto.label ?? current.label,
          type,
          required: dto.required ?? current.required,
          agent_only: dto.agent_only ?? current.agent_only,
        },
        options,
        dto.options !== undefined,
      );
      if (next.type !== current.type && (await this.repository.inUse(current.key, manager))) {
        throw new AppError(ErrorCode.CONFLICT, 'Tickets hold values of this field: its type cannot change', [{ field: 'type' }]);
      }
      const removed = next.type === 'select' && current.type === 'select' ? current.options!.filter((o) => !next.options!.includes(o)) : [];
      if (removed.length > 0 && (await this.repository.inUse(current.key, manager, removed))) {
        throw new AppError(ErrorCode.CONFLICT, 'Tickets hold a choice that would be removed', [{ field: 'options', removed }]);
      }
      const updated = await this.repository.update(id, next, manager);
      if (next.key !== current.key) await this.repository.moveValues(current.key, next.key, manager);
      return updated;
    });
    this.cache.invalidate();
    return toCustomFieldResponse(row);
  }

  /** Deletes a definition and, in the same transaction, every ticket's value of it. */
  async delete(id: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const current = await this.repository.findById(id, manager);
      if (!current) throw notFound();
      await this.repository.delete(id, manager);
      await this.repository.moveValues(current.key, null, manager);
    });
    this.cache.invalidate();
  }

  /**
   * A ticket's `custom_fields` checked against the definitions as `audience` knows them (see
   * checkCustomFields): 422 naming each bad field. Costs no query while the cache is warm; with
   * nothing sent and nothing required it checks nothing. The values are checked again in the
   * ticket's write transaction (`recheck`), against definitions no one can change meanwhile.
   */
  async check(input: unknown, requireMissing: boolean, audience: CustomFieldAudience): Promise<CheckedCustomFields> {
    const empty: CheckedCustomFields = { set: {}, clear: [], problems: [] };
    if (input === undefined && !requireMissing) return empty;
    const definitions = await this.cache.get();
    if (input === undefined && !definitions.anyRequired) return empty;
    return throwProblems(checkCustomFields(definitions.byKey, input, requireMissing, audience));
  }

  /**
   * What `check` accepted, checked again inside the ticket's write transaction against the
   * definitions of its keys read there with a share lock (the repository's lockByKeys), so a
   * definition changed or deleted meanwhile cannot leave a value that breaks it: the change either
   * committed first (and is what is checked), or waits until the ticket is written (and then sees
   * its value: a type change is refused, a rename moves it, a delete drops it). Call it before the
   * transaction locks the ticket: a definition change locks its row, then tickets. No query when
   * no value is set or cleared. Whether a required field was left out stays `check`'s answer.
   */
  async recheck(checked: CheckedCustomFields, audience: CustomFieldAudience, manager: EntityManager): Promise<void> {
    const input: Record<string, CustomFieldValue | null> = { ...checked.set };
    for (const key of checked.clear) input[key] = null;
    const keys = Object.keys(input);
    if (keys.length === 0) return;
    const rows = await this.repository.lockByKeys(keys, manager);
    throwProblems(checkCustomFields(new Map(rows.map((row) => [row.key, row])), input, false, audience));
  }

  /** How `audience` sees tickets' values: agents every one; customers those of fields defined and not agent-only. One read for many tickets. */
  async viewOf(audience: CustomFieldAudience): Promise<(values: CustomFieldValues) => CustomFieldValues> {
    if (audience === 'agent') return (values) => values;
    const { byKey } = await this.cache.get();
    return (values) => visibleValues(byKey, values, audience);
  }

  /**
   * List filters (`custom_fields.<key>` → text) as one jsonb object for `custom_fields @>`; 422
   * naming each bad one. An agent-only field is unknown to a customer (it could learn its values by filtering).
   */
  async filter(filters: Record<string, unknown> | undefined, audience: CustomFieldAudience): Promise<Record<string, CustomFieldValue> | undefined> {
    const keys = Object.keys(filters ?? {});
    if (keys.length === 0) return undefined;
    const { byKey } = await this.cache.get();
    const object: Record<string, CustomFieldValue> = {};
    const problems = [];
    for (const key of keys) {
      const parsed = parseFilterValue(definitionFor(byKey, key, audience), key, filters![key]);
      if ('problem' in parsed) problems.push(parsed.problem);
      else object[key] = parsed.value;
    }
    if (problems.length > 0) throw new AppError(ErrorCode.VALIDATION_FAILED, 'Some custom field filters are not valid', problems);
    return object;
  }

  /** The definitions in id order (the export's columns). */
  async definitions(): Promise<readonly CustomFieldRow[]> {
    return (await this.cache.get()).ordered;
  }
}
