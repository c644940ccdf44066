// @ts-check
/* global HTMLElement */
/**
 * Form helpers: field errors shown next to their inputs (aria-invalid + aria-describedby), and
 * client-side checks of licence field values that mirror the gateway's own (the gateway checks
 * again; this only spares a round trip and puts the message where the user looks).
 */

/**
 * @typedef {import('./common.js').FieldSpec} FieldSpec
 */

/**
 * Shows (or with `message` undefined, hides) the error of an input whose error element is
 * `#<input id>-error`.
 * @param {HTMLElement} input
 * @param {string | undefined} message
 */
export function setFieldError(input, message) {
  const error = input.ownerDocument.getElementById(`${input.id}-error`);
  if (error === null) return;
  if (message === undefined) {
    input.removeAttribute('aria-invalid');
    error.hidden = true;
    error.textContent = '';
    return;
  }
  input.setAttribute('aria-invalid', 'true');
  error.hidden = false;
  error.textContent = message;
}

/**
 * Hides every field error inside `form`.
 * @param {HTMLFormElement} form
 */
export function clearFieldErrors(form) {
  for (const input of form.querySelectorAll('[aria-invalid="true"]')) {
    if (input instanceof HTMLElement) setFieldError(input, undefined);
  }
}

/**
 * Focuses the first input of `form` marked invalid; true when there was one.
 * @param {HTMLFormElement} form
 * @returns {boolean}
 */
export function focusFirstInvalid(form) {
  const first = form.querySelector('[aria-invalid="true"]');
  if (first instanceof HTMLElement) {
    first.focus();
    return true;
  }
  return false;
}

/**
 * True when `text` is a real calendar date written YYYY-MM-DD.
 * @param {string} text
 * @returns {boolean}
 */
export function isIsoDate(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m === null) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/**
 * The value of a licence field read from its input, or an error message for it.
 * @param {FieldSpec} spec
 * @param {HTMLInputElement} input
 * @returns {{ value?: string | number | boolean, error?: string }}
 */
export function readFieldValue(spec, input) {
  if (spec.type === 'boolean') return { value: input.checked };
  const raw = input.value.trim();
  if (raw === '') return spec.required ? { error: '必填 (required)' } : {};
  switch (spec.type) {
    case 'date':
      return isIsoDate(raw) ? { value: raw } : { error: '请输入有效日期 YYYY-MM-DD (enter a valid date)' };
    case 'integer': {
      const n = Number(raw);
      return /^-?\d+$/.test(raw) && Number.isSafeInteger(n)
        ? { value: n }
        : { error: '请输入整数 (enter a whole number)' };
    }
    default: {
      const max = spec.maxLength ?? 1000;
      if (raw.length > max) return { error: `最多 ${max} 个字符 (at most ${max} characters)` };
      // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
      if (/[\u0000-\u001f\u007f]/u.test(raw)) return { error: '不能包含控制字符 (no control characters)' };
      if (spec.pattern !== undefined) {
        let re;
        try {
          re = new RegExp(`^(?:${spec.pattern})$`, 'u');
        } catch {
          re = undefined;
        }
        if (re !== undefined && !re.test(raw)) {
          const e = spec.examples;
          return {
            error:
              e === undefined
                ? '格式不符合该证照类型的要求 (does not match the format of this licence type)'
                : `格式不符合要求，应如 ${e.join('、')} (does not match the format, e.g. ${e.join(', ')})`,
          };
        }
      }
      return { value: raw };
    }
  }
}
