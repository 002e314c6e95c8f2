import { getMetadataStorage } from 'class-validator';

/** One of class-validator's rule records (its ValidationMetadata); only passed through here. */
type ValidationMetadata = object;

type Lookup = (target: object, schema: string, always: boolean, strictGroups: boolean, groups?: string[]) => ValidationMetadata[];

interface Storage {
  getTargetValidationMetadatas: Lookup;
  groupByPropertyName(metadatas: ValidationMetadata[]): Record<string, ValidationMetadata[]>;
  addValidationMetadata(metadata: ValidationMetadata): void;
}

const cached = new WeakSet<object>();

/**
 * class-validator looks up a class's rules on every validation: it filters the class's own rules,
 * tests every class that has rules for being a parent (`instanceof` against each), and groups the
 * result by property, each time anew. Rules are added by decorators when classes load and never
 * change afterwards, so the lookup and its grouping are kept per class and options, and dropped
 * whenever a rule is added. The same arrays come back each time; class-validator only reads them.
 * Idempotent (the storage is process-wide).
 */
export function cacheValidationRules(): void {
  const storage = getMetadataStorage() as unknown as Storage;
  if (cached.has(storage)) return;
  cached.add(storage);
  let lookups = new Map<object, Map<string, ValidationMetadata[]>>();
  let groupings = new WeakMap<ValidationMetadata[], Record<string, ValidationMetadata[]>>();
  const lookup = storage.getTargetValidationMetadatas.bind(storage);
  const group = storage.groupByPropertyName.bind(storage);
  const add = storage.addValidationMetadata.bind(storage);
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = `${schema}\u0000${always}\u0000${strictGroups}\u0000${groups?.join('\u0001') ?? ''}`;
    let byOptions = lookups.get(target);
    if (!byOptions) lookups.set(target, (byOptions = new Map()));
    let found = byOptions.get(key);
    if (!found) byOptions.set(key, (found = lookup(target, schema, always, strictGroups, groups)));
    return found;
  };
  storage.groupByPropertyName = (metadatas) => {
    let grouped = groupings.get(metadatas);
    if (!grouped) groupings.set(metadatas, (grouped = group(metadatas)));
    return grouped;
  };
  storage.addValidationMetadata = (metadata) => {
    lookups = new Map();
    groupings = new WeakMap();
    add(metadata);
  };
}
