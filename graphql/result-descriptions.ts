/**
 * Descriptions for what the errors plugin generates around a field with typed errors: the
 * result union (`MutationXResult`), its success type (`MutationXSuccess`) and that type's
 * `data` field. Spread into a field's `errors` option.
 */
export function resultDescriptions(field: string, data: string) {
  return {
    union: { description: `What \`${field}\` answers: its result, or one of the errors it can end with.` },
    result: { description: `\`${field}\` succeeded; \`data\` holds the result.` },
    dataField: { description: data },
  };
}
