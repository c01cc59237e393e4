/**
 * `{{path}}` templates for action subjects and bodies: `{{asset}}`, `{{value}}`, `{{rule.id}}`,
 * `{{workOrder.id}}`, `{{pdm.rulHours}}`… An unknown path renders as an empty string; objects as JSON.
 */
export function render(template: string, ctx: Record<string, unknown>): string {
  return template.replace(/\{\{\s*([a-zA-Z0-9_.]+)\s*\}\}/g, (_, path: string) => {
    let v: unknown = ctx;
    for (const k of path.split('.'))
      v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
    if (v === undefined || v === null) return '';
    return typeof v === 'object' ? JSON.stringify(v) : String(v);
  });
}
