/** The parts of an OpenAPI 3 document (as /docs-json serves it) that tests read. */
export interface SchemaObject {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  items?: SchemaObject;
  allOf?: SchemaObject[];
  properties?: Record<string, SchemaObject>;
  required?: string[];
}

export interface ResponseObject {
  description?: string;
  headers?: Record<string, { description?: string; schema?: SchemaObject }>;
  content?: Record<string, { schema?: SchemaObject }>;
}

export interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: SchemaObject;
}

export interface Operation {
  operationId?: string;
  parameters?: ParameterObject[];
  requestBody?: { content: Record<string, { schema?: SchemaObject }> };
  responses: Record<string, ResponseObject>;
  security?: Record<string, string[]>[];
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, SchemaObject>; securitySchemes?: Record<string, { type: string; scheme?: string }> };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

/** Every operation in the document, as [`METHOD /path`, operation], in document order. */
export function listOperations(doc: OpenApiDocument): [string, Operation][] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]): [string, Operation] => [`${method.toUpperCase()} ${path}`, op]),
  );
}

/** The component a $ref (or a one-element allOf) points to. */
export function resolveSchema(doc: OpenApiDocument, schema: SchemaObject | undefined): SchemaObject {
  const ref = schema?.$ref ?? schema?.allOf?.[0]?.$ref;
  if (!ref) throw new Error(`not a reference: ${JSON.stringify(schema)}`);
  const component = doc.components.schemas[ref.replace('#/components/schemas/', '')];
  if (!component) throw new Error(`${ref} is not in components.schemas`);
  return component;
}
