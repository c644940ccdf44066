// @ts-check
/* global HTMLFormElement, HTMLSelectElement, HTMLInputElement, HTMLTextAreaElement, HTMLButtonElement */
/**
 * Issuer console: keeps the agency's token, builds the issue form from the licence type's field
 * schema, issues with an Idempotency-Key, lists the agency's licences and changes their status.
 */
import {
  api,
  ApiError,
  IdempotencyKeys,
  bi,
  byId,
  clear,
  formatTime,
  formatValidity,
  h,
  loadLicenceTypes,
  problemContent,
  say,
  setupTokenPanel,
  statusBadge,
  STATUS_LABELS,
} from './common.js';
import { clearFieldErrors, focusFirstInvalid, isIsoDate, readFieldValue, setFieldError } from './forms.js';

/**
 * @typedef {import('./common.js').LicenceType} LicenceType
 * @typedef {import('./common.js').FieldSpec} FieldSpec
 * @typedef {{ id: string, typeCode: string, issuerUscc: string, status: string | null,
 *   validFrom: string, validUntil: string | null, createdAt: string }} LicenceItem
 */

const issueForm = byId('issue-form', HTMLFormElement);
const typeSelect = byId('type-select', HTMLSelectElement);
const typeFields = byId('type-fields');
const validFrom = byId('valid-from', HTMLInputElement);
const validUntil = byId('valid-until', HTMLInputElement);
const noEndDate = byId('no-end-date', HTMLInputElement);
const issueSubmit = byId('issue-submit', HTMLButtonElement);
const issueResult = byId('issue-result');

const statusForm = byId('status-form', HTMLFormElement);
const statusLicence = byId('status-licence', HTMLInputElement);
const statusAction = byId('status-action', HTMLSelectElement);
const reasonCode = byId('reason-code', HTMLInputElement);
const reasonText = byId('reason-text', HTMLTextAreaElement);
const confirmField = byId('confirm-field');
const statusConfirm = byId('status-confirm', HTMLInputElement);
const statusSubmit = byId('status-submit', HTMLButtonElement);
const statusResult = byId('status-result');

const listStatus = byId('list-status', HTMLSelectElement);
const listRefresh = byId('list-refresh', HTMLButtonElement);
const listMessage = byId('list-message');
const rows = byId('licence-rows');
const listMore = byId('list-more', HTMLButtonElement);

/** Actions that end a licence's life; they ask for an explicit confirmation. */
const FINAL_ACTIONS = new Set(['revoke', 'annul', 'cancel']);
const REASON_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

/** @type {string | undefined} */
let token;
/** @type {Map<string, LicenceType>} */
let types = new Map();
/** @type {{ spec: FieldSpec, input: HTMLInputElement }[]} */
let fieldInputs = [];
/** @type {string | undefined} */
let nextCursor;
const issueKeys = new IdempotencyKeys();
const statusKeys = new IdempotencyKeys();

setupTokenPanel({
  role: 'issuer',
  onChange: (value, claims) => {
    token = value;
    rows.replaceChildren();
    if (token === undefined) {
      types = new Map();
      fillTypeSelect([]);
      return;
    }
    void loadTypes(claims?.agency);
    void loadLicences(false);
  },
});

// ------------------------------------------------------------------ validity period

/**
 * The default end of a licence's validity, as the CLI's: the same day ten years later (28 February
 * for 29 February). A licence with no end date is only ever issued when asked for.
 * @param {string} from YYYY-MM-DD
 * @returns {string}
 */
function tenYearsAfter(from) {
  const [y, m, d] = from.split('-').map(Number);
  const end = new Date(Date.UTC(Number(y) + 10, Number(m) - 1, Number(d)));
  if (end.getUTCDate() !== d) end.setUTCDate(0);
  return end.toISOString().slice(0, 10);
}

/** Whether the user chose the end date; until then it follows the start date. */
let untilChosen = false;

function followValidFrom() {
  if (!untilChosen && !noEndDate.checked && isIsoDate(validFrom.value)) {
    validUntil.value = tenYearsAfter(validFrom.value);
  }
}

validFrom.addEventListener('change', followValidFrom);
validUntil.addEventListener('change', () => {
  untilChosen = validUntil.value !== '';
});
noEndDate.addEventListener('change', () => {
  validUntil.disabled = noEndDate.checked;
  setFieldError(validUntil, undefined);
  if (noEndDate.checked) validUntil.value = '';
  else {
    untilChosen = false;
    followValidFrom();
  }
});

validFrom.value = new Date().toISOString().slice(0, 10);
followValidFrom();

// ------------------------------------------------------------------ licence types and the form

/**
 * Loads the catalogue, narrowed to the types the agency may issue when the registry says so.
 * @param {string | undefined} agency
 */
async function loadTypes(agency) {
  if (token === undefined) return;
  try {
    types = await loadLicenceTypes(token);
    /** @type {Set<string> | undefined} */
    let allowed;
    if (agency !== undefined) {
      try {
        const { data } = await api(`/api/v1/registry/agencies/${encodeURIComponent(agency)}`, { token });
        allowed = new Set(/** @type {{ licenceTypes: string[] }} */ (data).licenceTypes);
      } catch {
        allowed = undefined;
      }
    }
    fillTypeSelect([...types.values()].filter((t) => allowed === undefined || allowed.has(t.code)));
  } catch (error) {
    say(issueResult, 'error', '无法读取证照类型 (could not load licence types): ', ...problemContent(error));
  }
}

/** @param {LicenceType[]} list */
function fillTypeSelect(list) {
  const options = list.map((t) => h('option', { value: t.code, text: `${t.name} (${t.code})` }));
  typeSelect.replaceChildren(
    h('option', { value: '', text: list.length === 0 ? '无可签发类型 (none available)' : '请选择 (choose)' }),
    ...options,
  );
  if (list.length === 1 && list[0] !== undefined) typeSelect.value = list[0].code;
  buildFields();
}

typeSelect.addEventListener('change', () => {
  setFieldError(typeSelect, undefined);
  buildFields();
});

/** Builds one input per field of the selected type's schema. */
function buildFields() {
  const type = types.get(typeSelect.value);
  fieldInputs = [];
  if (type === undefined) {
    typeFields.replaceChildren();
    return;
  }
  const nodes = type.fields.map((spec, i) => {
    const id = `field-${i}`;
    const errorId = `${id}-error`;
    const hintId = `${id}-hint`;
    const input = h('input', {
      id,
      name: spec.name,
      'data-field': spec.name,
      'aria-describedby': `${hintId} ${errorId}`,
      autocomplete: 'off',
    });
    /** @type {string[]} */
    const hints = [];
    switch (spec.type) {
      case 'date':
        input.type = 'date';
        break;
      case 'integer':
        input.type = 'number';
        input.step = '1';
        input.inputMode = 'numeric';
        break;
      case 'boolean':
        input.type = 'checkbox';
        break;
      default:
        input.type = 'text';
        if (spec.maxLength !== undefined) {
          input.maxLength = spec.maxLength;
          hints.push(`最多 ${spec.maxLength} 字 (max ${spec.maxLength})`);
        }
        // The catalogue's examples, never its pattern: a regular expression means nothing to most people.
        if (spec.examples !== undefined) hints.push(examplesHint(spec.examples));
    }
    if (spec.required && spec.type !== 'boolean') input.required = true;
    if (spec.holderId === true) {
      hints.push(
        type.holderKind === 'person'
          ? '持证人身份证号 (holder citizen ID)'
          : '持证主体统一社会信用代码 (holder USCC)',
      );
    }
    const title = h('span', {}, bi(spec.label ?? spec.name, spec.name));
    if (spec.required) title.append(' ', h('span', { class: 'req', text: '*' }));
    if (spec.personal) title.append(h('span', { class: 'tag', text: '个人信息 personal' }));
    const label =
      spec.type === 'boolean'
        ? h('label', { class: 'check', for: id }, input, title)
        : h('label', { for: id }, title);
    fieldInputs.push({ spec, input });
    return h(
      'div',
      { class: 'field' },
      label,
      spec.type === 'boolean' ? null : input,
      h('p', { class: 'hint', id: hintId, text: hints.join(' · ') }),
      h('p', { class: 'field-error', id: errorId, hidden: true }),
    );
  });
  typeFields.replaceChildren(h('fieldset', {}, h('legend', {}, bi('证照信息', 'Licence fields')), ...nodes));
}

/**
 * @param {string[]} examples
 * @returns {string}
 */
function examplesHint(examples) {
  return `如 ${examples.join('、')} (e.g. ${examples.join(', ')})`;
}

// ------------------------------------------------------------------ issuing

issueForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void issue();
});

async function issue() {
  clearFieldErrors(issueForm);
  clear(issueResult);
  if (token === undefined) {
    say(issueResult, 'error', '请先保存令牌 (save a token first)');
    return;
  }
  const type = types.get(typeSelect.value);
  if (type === undefined) setFieldError(typeSelect, '请选择证照类型 (choose a licence type)');
  /** @type {Record<string, string | number | boolean>} */
  const fields = {};
  for (const { spec, input } of fieldInputs) {
    const { value, error } = readFieldValue(spec, input);
    if (error !== undefined) setFieldError(input, error);
    else if (value !== undefined) fields[spec.name] = value;
  }
  if (!isIsoDate(validFrom.value)) setFieldError(validFrom, '请输入有效日期 (enter a valid date)');
  const until = noEndDate.checked ? '' : validUntil.value.trim();
  if (!noEndDate.checked && until === '')
    setFieldError(validUntil, '请填写有效期止，或勾选“长期有效” (give an end date, or tick No end date)');
  else if (until !== '' && !isIsoDate(until))
    setFieldError(validUntil, '请输入有效日期 (enter a valid date)');
  else if (until !== '' && until <= validFrom.value)
    setFieldError(validUntil, '须晚于有效期起 (must be after valid from)');
  if (type === undefined || focusFirstInvalid(issueForm)) {
    say(issueResult, 'error', '请更正标出的字段 (please correct the marked fields)');
    return;
  }
  const body = {
    typeCode: type.code,
    fields,
    validFrom: validFrom.value,
    validUntil: until === '' ? null : until,
  };
  issueSubmit.disabled = true;
  say(issueResult, 'info', '签发中，正在写入账本… (issuing, writing to the ledger…)');
  try {
    const { data } = await api('/api/v1/licences', {
      method: 'POST',
      token,
      body,
      idempotencyKey: issueKeys.keyFor(body),
    });
    issueKeys.settle();
    const out =
      /** @type {{ licence: { id: string, status: string, validFrom: string, validUntil: string | null }, blockNumber?: number }} */ (
        data
      );
    say(
      issueResult,
      'ok',
      '✓ 已签发 Issued: ',
      h('strong', { class: 'mono', id: 'issued-id', text: out.licence.id }),
      out.blockNumber === undefined ? '' : ` · 区块 block #${out.blockNumber}`,
      h('br'),
      h('span', {
        id: 'issued-validity',
        text: `有效期 Valid ${formatValidity(out.licence.validFrom, out.licence.validUntil)}`,
      }),
    );
    for (const { spec, input } of fieldInputs) {
      if (spec.type === 'boolean') input.checked = false;
      else input.value = '';
    }
    await loadLicences(false);
  } catch (error) {
    // A definite answer (4xx) ends this attempt; a lost one keeps the key for an identical retry.
    if (error instanceof ApiError && error.status >= 400 && error.status < 500) issueKeys.settle();
    showIssueProblem(error);
  } finally {
    issueSubmit.disabled = false;
  }
}

/**
 * Puts the gateway's field errors next to their fields, and its detail above the button.
 * @param {unknown} error
 */
function showIssueProblem(error) {
  say(issueResult, 'error', '签发失败 (not issued): ', ...problemContent(error));
  if (!(error instanceof ApiError)) return;
  const byName = new Map(fieldInputs.map((f) => [f.spec.name, f.input]));
  for (const { path, message } of error.problem.errors ?? []) {
    const m = /^\/fields\/([^/]+)$/.exec(path);
    const input =
      m?.[1] !== undefined
        ? byName.get(m[1])
        : path === '/validFrom'
          ? validFrom
          : path === '/validUntil'
            ? validUntil
            : path === '/typeCode'
              ? typeSelect
              : undefined;
    if (input !== undefined) setFieldError(input, `不符合要求 (${message})`);
  }
  // A holder identifier with a wrong check character comes back as its own code.
  const { code, titleZh, detail } = error.problem;
  if (code === 'INVALID_CITIZEN_ID' || code === 'INVALID_USCC') {
    const holder = fieldInputs.find((f) => f.spec.holderId === true);
    if (holder !== undefined) setFieldError(holder.input, `${titleZh ?? code} (${detail ?? code})`);
  }
  focusFirstInvalid(issueForm);
}

// ------------------------------------------------------------------ list

listRefresh.addEventListener('click', () => void loadLicences(false));
listStatus.addEventListener('change', () => void loadLicences(false));
listMore.addEventListener('click', () => void loadLicences(true));

/**
 * Loads the first page (or, with `more`, the next one) of the agency's licences.
 * @param {boolean} more
 */
async function loadLicences(more) {
  if (token === undefined) return;
  const params = new URLSearchParams({ limit: '20' });
  if (listStatus.value !== '') params.set('status', listStatus.value);
  if (more && nextCursor !== undefined) params.set('cursor', nextCursor);
  try {
    const { data } = await api(`/api/v1/licences?${params.toString()}`, { token });
    const page = /** @type {{ items: LicenceItem[], nextCursor?: string }} */ (data);
    if (!more) rows.replaceChildren();
    for (const item of page.items) rows.append(licenceRow(item));
    if (rows.children.length === 0) {
      rows.append(h('tr', {}, h('td', { colspan: '6', class: 'empty', text: '暂无证照 (no licences yet)' })));
    }
    nextCursor = page.nextCursor;
    listMore.hidden = nextCursor === undefined;
    clear(listMessage);
  } catch (error) {
    say(listMessage, 'error', '无法读取证照列表 (could not list licences): ', ...problemContent(error));
  }
}

/**
 * @param {LicenceItem} item
 * @returns {HTMLTableRowElement}
 */
function licenceRow(item) {
  const change = h('button', { type: 'button', class: 'secondary small' }, bi('变更状态', 'Change'));
  change.setAttribute('aria-label', `变更状态 Change status: ${item.id}`);
  change.addEventListener('click', () => {
    statusLicence.value = item.id;
    setFieldError(statusLicence, undefined);
    clear(statusResult);
    statusAction.focus();
  });
  return h(
    'tr',
    { 'data-licence': item.id },
    h('td', { class: 'id', text: item.id }),
    h('td', { text: types.get(item.typeCode)?.name ?? item.typeCode }),
    h('td', {}, statusBadge(item.status)),
    h('td', { text: formatValidity(item.validFrom, item.validUntil) }),
    h('td', { text: formatTime(item.createdAt) }),
    h('td', {}, change),
  );
}

// ------------------------------------------------------------------ status changes

statusAction.addEventListener('change', () => {
  confirmField.hidden = !FINAL_ACTIONS.has(statusAction.value);
  statusConfirm.checked = false;
});

statusForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void changeStatus();
});

async function changeStatus() {
  clearFieldErrors(statusForm);
  clear(statusResult);
  if (token === undefined) {
    say(statusResult, 'error', '请先保存令牌 (save a token first)');
    return;
  }
  const id = statusLicence.value.trim();
  const action = statusAction.value;
  const code = reasonCode.value.trim();
  const text = reasonText.value.trim();
  if (id === '') setFieldError(statusLicence, '必填 (required)');
  if (action === '') setFieldError(statusAction, '请选择操作 (choose an action)');
  if (!REASON_CODE.test(code))
    setFieldError(reasonCode, '大写字母开头，仅含大写字母、数字、下划线 (A–Z, 0–9, _; starts with a letter)');
  if (text === '') setFieldError(reasonText, '请填写原因说明 (give the reason)');
  if (FINAL_ACTIONS.has(action) && !statusConfirm.checked)
    setFieldError(statusConfirm, '请确认此终局操作 (confirm this final action)');
  if (focusFirstInvalid(statusForm)) return;
  const body = { action, reasonCode: code, reasonText: text };
  statusSubmit.disabled = true;
  try {
    const { data } = await api(`/api/v1/licences/${encodeURIComponent(id)}/status`, {
      method: 'POST',
      token,
      body,
      idempotencyKey: statusKeys.keyFor({ id, ...body }),
    });
    statusKeys.settle();
    const out = /** @type {{ licence: { id: string, status: string }, blockNumber?: number }} */ (data);
    const [zh, en] = STATUS_LABELS[out.licence.status] ?? ['', ''];
    say(
      statusResult,
      'ok',
      `✓ 状态已变更 Status changed → ${out.licence.status} ${zh} ${en}`,
      out.blockNumber === undefined ? '' : ` · 区块 block #${out.blockNumber}`,
    );
    statusConfirm.checked = false;
    await loadLicences(false);
  } catch (error) {
    if (error instanceof ApiError && error.status >= 400 && error.status < 500) statusKeys.settle();
    say(statusResult, 'error', '变更失败 (not changed): ', ...problemContent(error));
    if (error instanceof ApiError && error.status === 404)
      setFieldError(statusLicence, '未找到该证照 (no such licence)');
    focusFirstInvalid(statusForm);
  } finally {
    statusSubmit.disabled = false;
  }
}
