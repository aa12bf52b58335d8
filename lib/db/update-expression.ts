// A partial update as one UpdateExpression: `SET #a = :a, … REMOVE #b, …`, `updatedAt` always set.
// Attribute names go through placeholders, so reserved words (`name`, `status`) are safe.
export function patchExpression(set: Record<string, unknown>, remove: readonly string[], at: string) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':at': at };
  const sets = ['updatedAt = :at'];
  for (const [k, v] of Object.entries(set)) {
    names[`#${k}`] = k;
    values[`:${k}`] = v;
    sets.push(`#${k} = :${k}`);
  }
  for (const k of remove) names[`#${k}`] = k;
  return {
    UpdateExpression: `SET ${sets.join(', ')}${remove.length ? ` REMOVE ${remove.map((k) => `#${k}`).join(', ')}` : ''}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}
