/**
 * Fills `{{name}}` placeholders of a page template with HTML-escaped values. Pages carry no inline
 * script (the CSP forbids it), so the only dynamic parts are a few texts known at start-up.
 */

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/**
 * Replaces every `{{name}}` in `template` with the escaped `values[name]`; throws on a placeholder
 * with no value, so a template typo fails at start-up rather than showing braces to users.
 */
export function renderTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{([a-zA-Z][a-zA-Z0-9]*)\}\}/g, (_match, name: string) => {
    const value = Object.hasOwn(values, name) ? values[name] : undefined;
    if (value === undefined) throw new Error(`page template uses {{${name}}}, which has no value`);
    return escapeHtml(value);
  });
}
