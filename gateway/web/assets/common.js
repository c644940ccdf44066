// @ts-check
/* global document, sessionStorage, fetch, crypto, atob, TextDecoder, navigator */
/**
 * Shared helpers of the web pages: calls to this gateway's REST API with the user's bearer token,
 * problem+json errors, the token panel (token kept in sessionStorage only), DOM building without
 * HTML strings (the CSP enforces Trusted Types), and the labels of status and result codes.
 */

/**
 * @typedef {{ path: string, message: string }} FieldError
 * @typedef {{ type?: string, title?: string, titleZh?: string, status?: number, code?: string,
 *   detail?: string, instance?: string, errors?: FieldError[] }} Problem
 * @typedef {{ sub?: string, role?: string, province?: string, agency?: string, hid?: string,
 *   iat?: number, exp?: number, iss?: string }} TokenClaims
 */

/** An API call that did not succeed, with the problem+json body when the gateway sent one. */
export class ApiError extends Error {
  /**
   * @param {number} status HTTP status (0 when the gateway could not be reached)
   * @param {Problem} problem
   */
  constructor(status, problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/** The MSP ID of the province this gateway serves (from the page). */
export const PROVINCE_MSP = document.body.dataset.msp ?? '';

/**
 * Calls the API; resolves with the JSON body and the response, rejects with ApiError.
 * @param {string} path path under this origin, e.g. /api/v1/licences
 * @param {{ method?: string, token?: string, body?: unknown, idempotencyKey?: string }} [opts]
 * @returns {Promise<{ data: unknown, response: Response }>}
 */
export async function api(path, opts = {}) {
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json, application/problem+json' };
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
  if (opts.idempotencyKey !== undefined) headers['idempotency-key'] = opts.idempotencyKey;
  /** @type {RequestInit} */
  const init = { method: opts.method ?? 'GET', headers, cache: 'no-store', credentials: 'omit' };
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(opts.body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, {
      code: 'NETWORK',
      detail: '无法连接网关，请检查网络后重试 (the gateway could not be reached)',
    });
  }
  /** @type {unknown} */
  let data = null;
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      data = await response.json();
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const problem = data !== null && typeof data === 'object' ? /** @type {Problem} */ (data) : {};
    throw new ApiError(response.status, { status: response.status, ...problem });
  }
  return { data, response };
}

/**
 * A random Idempotency-Key (crypto.getRandomValues works on plain-HTTP pages too, randomUUID does not).
 * @returns {string}
 */
export function newIdempotencyKey() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Keeps one Idempotency-Key per distinct request body until it succeeds, so retrying the same
 * submission after a lost answer cannot create a second licence, while a changed form gets a new key.
 */
export class IdempotencyKeys {
  constructor() {
    /** @type {{ body: string, key: string } | undefined} */
    this.pending = undefined;
  }
  /**
   * @param {unknown} body
   * @returns {string}
   */
  keyFor(body) {
    const text = JSON.stringify(body);
    if (this.pending === undefined || this.pending.body !== text) {
      this.pending = { body: text, key: newIdempotencyKey() };
    }
    return this.pending.key;
  }
  /** Forgets the key after the request's outcome is final. */
  settle() {
    this.pending = undefined;
  }
}

// ------------------------------------------------------------------ DOM

/**
 * Creates an element. Children are nodes or text (never parsed as HTML).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string | boolean | undefined>} [attrs] attributes; `class` and `text` allowed; false/undefined skipped
 * @param {...(Node | string | null | undefined)} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (name === 'text') node.textContent = String(value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child);
  }
  return node;
}

/**
 * Chinese text followed by its English subtitle.
 * @param {string} zh
 * @param {string} en
 * @returns {DocumentFragment}
 */
export function bi(zh, en) {
  const frag = document.createDocumentFragment();
  frag.append(zh, ' ', h('span', { class: 'en', lang: 'en', text: en }));
  return frag;
}

/**
 * The element with `id`, which the page must contain.
 * @template {HTMLElement} T
 * @param {string} id
 * @param {new () => T} [_kind] the expected element class (for the type only)
 * @returns {T}
 */
export function byId(id, _kind) {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`page element #${id} is missing`);
  return /** @type {T} */ (node);
}

/**
 * Shows a message (kind ok | error | info | warn) in a live region, or clears it.
 * @param {HTMLElement} region
 * @param {'ok' | 'error' | 'info' | 'warn'} kind
 * @param {...(Node | string)} content
 */
export function say(region, kind, ...content) {
  region.className = `message ${kind}`;
  region.replaceChildren(...content);
}

/**
 * Clears a message region.
 * @param {HTMLElement} region
 */
export function clear(region) {
  region.replaceChildren();
}

/**
 * A problem as readable content: what went wrong in Chinese (the gateway's titleZh), the English
 * detail, and the stable code.
 * @param {ApiError | unknown} error
 * @returns {(Node | string)[]}
 */
export function problemContent(error) {
  if (!(error instanceof ApiError)) return [String(error)];
  const p = error.problem;
  const english = p.detail ?? p.title ?? `HTTP ${error.status}`;
  // A gateway answer carries titleZh; without one (no answer at all, or not a problem body) the
  // status says what it can.
  const zh =
    p.titleZh ??
    (error.status === 401
      ? '令牌无效或已过期'
      : error.status === 403
        ? '无权执行此操作'
        : error.status === 429
          ? '请求过于频繁，请稍后再试'
          : undefined);
  return [
    h('span', { lang: 'zh-CN', class: 'problem-title', text: zh === undefined ? '' : `${zh}：` }),
    error.status === 401 ? '请重新粘贴令牌。' : '',
    h('span', { lang: 'en', text: zh === undefined ? english : `(${english})` }),
    ' ',
    h('span', { class: 'code', text: `[${p.code ?? error.status}]` }),
  ];
}

/**
 * Copies text to the clipboard, falling back to selecting it in `field`.
 * @param {string} text
 * @param {HTMLTextAreaElement | HTMLInputElement} field
 * @returns {Promise<boolean>} whether the clipboard was written
 */
export async function copyText(text, field) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    field.focus();
    field.select();
    return false;
  }
}

// ------------------------------------------------------------------ formatting and labels

/** Licence status codes (GB national interface codes). @type {Record<string, [string, string]>} */
export const STATUS_LABELS = {
  '01': ['有效', 'Valid'],
  '02': ['暂扣', 'Suspended'],
  '03': ['撤销', 'Annulled'],
  '04': ['注销', 'Cancelled'],
  '05': ['失效', 'Expired'],
  '06': ['转出', 'Transferred out'],
  '07': ['吊销', 'Revoked'],
  99: ['其他', 'Other'],
};

/**
 * A badge for a licence status code.
 * @param {string | null | undefined} status
 * @returns {HTMLSpanElement}
 */
export function statusBadge(status) {
  if (status === null || status === undefined) {
    return h('span', { class: 'badge', text: '待上链 Pending' });
  }
  const [zh, en] = STATUS_LABELS[status] ?? ['未知', 'Unknown'];
  return h('span', { class: `badge s${status}`, 'data-status': status, text: `${zh} ${en} · ${status}` });
}

/**
 * A timestamp in local time, 24-hour clock.
 * @param {string | null | undefined} iso
 * @returns {string}
 */
export function formatTime(iso) {
  if (iso === null || iso === undefined) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString('zh-CN', { hour12: false });
}

/**
 * A validity period.
 * @param {string} from
 * @param {string | null} until
 * @returns {string}
 */
export function formatValidity(from, until) {
  return `${from} 至 ${until ?? '长期 (no end)'}`;
}

// ------------------------------------------------------------------ access tokens

/**
 * Reads the claims of a JWT for display only (the gateway verifies it; this page never trusts it).
 * @param {string} token
 * @returns {TokenClaims | undefined}
 */
export function peekClaims(token) {
  const part = token.split('.')[1];
  if (part === undefined) return undefined;
  try {
    const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
    const claims = /** @type {unknown} */ (JSON.parse(new TextDecoder().decode(bytes)));
    return claims !== null && typeof claims === 'object' ? /** @type {TokenClaims} */ (claims) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A pasted token without a "Bearer " prefix or whitespace.
 * @param {string} text
 * @returns {string}
 */
export function normaliseToken(text) {
  return text
    .trim()
    .replace(/^Bearer\s+/i, '')
    .replace(/\s+/g, '');
}

/**
 * Wires the token panel of a page: #token-form with #token-input, #token-clear and #token-status.
 * The token lives in sessionStorage (this tab only, gone when it closes).
 * @param {{ role: string, onChange: (token: string | undefined, claims: TokenClaims | undefined) => void }} opts
 * @returns {{ get: () => string | undefined }}
 */
export function setupTokenPanel(opts) {
  const storageKey = `licence-ledger.token.${opts.role}`;
  const form = byId('token-form', HTMLFormElement);
  const input = byId('token-input', HTMLInputElement);
  const status = byId('token-status');
  const clearButton = byId('token-clear', HTMLButtonElement);
  /** @type {string | undefined} */
  let current;

  /** @param {string | undefined} token */
  const apply = (token) => {
    current = token;
    input.value = '';
    if (token === undefined) {
      sessionStorage.removeItem(storageKey);
      say(status, 'info', '尚未提供令牌 (no token yet): 请粘贴访问令牌 paste your access token.');
      opts.onChange(undefined, undefined);
      return;
    }
    sessionStorage.setItem(storageKey, token);
    const claims = peekClaims(token);
    /** @type {(Node | string)[]} */
    const parts = ['令牌已保存 (token kept for this tab)'];
    if (claims !== undefined) {
      parts.push(` · ${claims.role ?? '?'} · ${claims.province ?? '?'}`);
      if (claims.agency !== undefined) parts.push(` · ${claims.agency}`);
      if (claims.exp !== undefined)
        parts.push(` · 有效至 until ${formatTime(new Date(claims.exp * 1000).toISOString())}`);
    }
    const wrongRole = claims?.role !== undefined && claims.role !== opts.role;
    const wrongProvince = claims?.province !== undefined && claims.province !== PROVINCE_MSP;
    const expired = claims?.exp !== undefined && claims.exp * 1000 < Date.now();
    if (wrongRole)
      parts.push(h('br'), `⚠ 此页面需要 ${opts.role} 角色的令牌 (this page needs a ${opts.role} token)`);
    if (wrongProvince) parts.push(h('br'), `⚠ 令牌属于其他省份，本网关只接受 ${PROVINCE_MSP} 的令牌`);
    if (expired) parts.push(h('br'), '⚠ 令牌已过期 (the token has expired)');
    say(status, wrongRole || wrongProvince || expired ? 'warn' : 'ok', ...parts);
    opts.onChange(token, claims);
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = normaliseToken(input.value);
    if (token === '') {
      say(status, 'error', '请先粘贴令牌 (paste a token first)');
      input.focus();
      return;
    }
    apply(token);
  });
  clearButton.addEventListener('click', () => apply(undefined));

  const stored = sessionStorage.getItem(storageKey);
  apply(stored === null || stored === '' ? undefined : stored);
  return { get: () => current };
}

// ------------------------------------------------------------------ licence types

/**
 * @typedef {{ name: string, type: 'string' | 'date' | 'integer' | 'boolean', required: boolean,
 *   maxLength?: number, pattern?: string, personal: boolean, holderId?: boolean, label?: string,
 *   examples?: string[] }} FieldSpec
 * @typedef {{ code: string, name: string, holderKind: 'person' | 'organisation', fields: FieldSpec[],
 *   nationallyRecognised: boolean }} LicenceType
 */

/**
 * Every licence type of the catalogue, by code (all pages of the registry list).
 * @param {string} token
 * @returns {Promise<Map<string, LicenceType>>}
 */
export async function loadLicenceTypes(token) {
  /** @type {Map<string, LicenceType>} */
  const types = new Map();
  let cursor = '';
  for (let page = 0; page < 20; page++) {
    const query = cursor === '' ? '?limit=100' : `?limit=100&cursor=${encodeURIComponent(cursor)}`;
    const { data } = await api(`/api/v1/registry/licence-types${query}`, { token });
    const body = /** @type {{ items: LicenceType[], nextCursor?: string }} */ (data);
    for (const type of body.items) types.set(type.code, type);
    if (body.nextCursor === undefined) break;
    cursor = body.nextCursor;
  }
  return types;
}

/**
 * Names from the consortium registry, for showing people names instead of identifiers: a province
 * by MSP ID (广东省, not GuangdongMSP) and an agency by USCC. Each is read once per page; undefined
 * when the registry cannot say (the caller then shows the identifier).
 */
export class RegistryNames {
  /** @param {() => string | undefined} token the page's current bearer token */
  constructor(token) {
    this.token = token;
    /** @type {Map<string, Promise<string | undefined>>} */
    this.cache = new Map();
  }

  /**
   * @param {string} path registry path, e.g. /provinces/GuangdongMSP
   * @returns {Promise<string | undefined>}
   */
  name(path) {
    let found = this.cache.get(path);
    if (found === undefined) {
      const token = this.token();
      found =
        token === undefined
          ? Promise.resolve(undefined)
          : api(`/api/v1/registry${path}`, { token }).then(
              ({ data }) => /** @type {{ name?: string }} */ (data).name,
              () => undefined,
            );
      this.cache.set(path, found);
    }
    return found;
  }

  /**
   * @param {string} mspId
   * @returns {Promise<string | undefined>}
   */
  province(mspId) {
    return this.name(`/provinces/${encodeURIComponent(mspId)}`);
  }

  /**
   * @param {string} uscc
   * @returns {Promise<string | undefined>}
   */
  agency(uscc) {
    return this.name(`/agencies/${encodeURIComponent(uscc)}`);
  }

  /** Forgets every name (a new token may see another registry). */
  clear() {
    this.cache.clear();
  }
}

/**
 * A span showing `fallback` (an identifier) until `name` resolves, then the name, with the
 * identifier kept in its title.
 * @param {Promise<string | undefined>} name
 * @param {string} fallback
 * @param {Record<string, string>} [attrs]
 * @returns {HTMLSpanElement}
 */
export function nameOf(name, fallback, attrs = {}) {
  const span = h('span', { ...attrs, title: fallback, text: fallback });
  void name.then((text) => {
    if (text !== undefined) span.textContent = text;
  });
  return span;
}

/**
 * The display label of a field: its catalogue label and its name.
 * @param {LicenceType | undefined} type
 * @param {string} name
 * @returns {DocumentFragment}
 */
export function fieldLabel(type, name) {
  const spec = type?.fields.find((f) => f.name === name);
  return spec?.label === undefined ? bi(name, '') : bi(spec.label, name);
}
