interface PropertySchema {
  type?: string;
  minimum?: number;
}

interface ObjectSchema {
  properties?: Record<string, PropertySchema>;
  required?: string[];
}

function placeholderFor(property: PropertySchema | undefined): unknown {
  switch (property?.type) {
    case 'integer':
    case 'number':
      return property.minimum ?? 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object':
      return {};
    default:
      return '';
  }
}

/** Starting JSON for a tool's arguments: its required properties, with neutral placeholders. */
export function argsTemplate(schema: ObjectSchema): string {
  const properties = schema.properties ?? {};
  const entries = (schema.required ?? []).map((name) => [name, placeholderFor(properties[name])]);
  return JSON.stringify(Object.fromEntries(entries), null, 2);
}

/** Whether the tool takes a `dry_run` flag (so the panel can offer a dry run). */
export function supportsDryRun(schema: ObjectSchema): boolean {
  return schema.properties?.dry_run?.type === 'boolean';
}

/** Parses the argument editor's text; only a JSON object is accepted. */
export function parseArgs(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text.trim() === '' ? '{}' : text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
