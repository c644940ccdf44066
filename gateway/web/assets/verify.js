// @ts-check
/* global HTMLFormElement, HTMLTextAreaElement, HTMLInputElement, HTMLButtonElement */
/**
 * Verifier scan page: a presented token (typed by a QR scanner or pasted) and the declared purpose
 * go to this province's gateway; the answer is shown as one large verdict (green VALID, red
 * otherwise with the reason), then the disclosed fields, recognition basis, ledger point and receipt.
 */
import {
  RegistryNames,
  api,
  bi,
  byId,
  clear,
  copyText,
  fieldLabel,
  formatTime,
  formatValidity,
  h,
  problemContent,
  say,
  setupTokenPanel,
  statusBadge,
} from './common.js';
import { clearFieldErrors, focusFirstInvalid, setFieldError } from './forms.js';

/**
 * @typedef {import('./common.js').LicenceType} LicenceType
 * @typedef {{ result: string, reason?: { code: string, text: string },
 *   licence?: { id: string, typeCode: string, issuerUscc: string, issuerMsp: string, status: string,
 *     validFrom: string, validUntil: string | null },
 *   disclosed?: Record<string, string | number | boolean>,
 *   recognition?: { basis: 'own' | 'national' | 'rule', ruleVersion?: number, localEquivalentType?: string },
 *   ledger: { height: number, time: string | null } | null, verifiedAt: string, receipt: string }} Verification
 */

/** Chinese and English names of the result codes. @type {Record<string, [string, string]>} */
const RESULT_LABELS = {
  VALID: ['有效', 'Valid'],
  MALFORMED: ['亮证码格式错误', 'Malformed presentation'],
  INVALID_SIGNATURE: ['签名无效', 'Invalid signature'],
  UNKNOWN_KEY: ['未知签名密钥', 'Unknown signing key'],
  KEY_REVOKED: ['签名密钥已失效', 'Signing key revoked'],
  TOKEN_EXPIRED: ['亮证码已过期', 'Presentation expired'],
  REPLAYED: ['亮证码已被使用', 'Presentation already used'],
  NOT_ON_LEDGER: ['账本中无此证照', 'Not on the ledger'],
  FIELD_MISMATCH: ['出示信息与账本不符', 'Fields do not match the ledger'],
  SUSPENDED: ['证照已暂扣', 'Licence suspended'],
  REVOKED: ['证照已吊销', 'Licence revoked'],
  ANNULLED: ['证照已撤销', 'Licence annulled'],
  CANCELLED: ['证照已注销', 'Licence cancelled'],
  EXPIRED: ['证照已失效', 'Licence expired'],
  TRANSFERRED: ['证照已转出', 'Licence transferred out'],
  OTHER_STATUS: ['证照状态异常', 'Licence not in force'],
  NOT_RECOGNISED: ['本省不予互认', 'Not recognised here'],
  STATUS_UNAVAILABLE: ['状态暂无法确认', 'Status unavailable'],
};

const form = byId('verify-form', HTMLFormElement);
const presentation = byId('presentation', HTMLTextAreaElement);
const purpose = byId('purpose', HTMLInputElement);
const submit = byId('verify-submit', HTMLButtonElement);
const next = byId('verify-next', HTMLButtonElement);
const message = byId('verify-message');
const result = byId('result');

/** @type {string | undefined} */
let token;
/** @type {Map<string, Promise<LicenceType | undefined>>} */
const typeCache = new Map();
const names = new RegistryNames(() => token);

setupTokenPanel({
  role: 'verifier',
  onChange: (value) => {
    token = value;
    names.clear();
  },
});

form.addEventListener('submit', (event) => {
  event.preventDefault();
  if (!submit.disabled) void verify();
});

// A keyboard-wedge scanner types the code and then Enter: Enter verifies, as it does in the purpose
// field (a compact JWS has no line breaks; Shift+Enter and an IME's Enter are left alone).
presentation.addEventListener('keydown', (event) => {
  if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
  event.preventDefault();
  form.requestSubmit();
});

next.addEventListener('click', () => {
  presentation.value = '';
  clear(message);
  clearFieldErrors(form);
  result.replaceChildren(h('p', { class: 'hint' }, bi('尚未核验', 'Nothing verified yet')));
  presentation.focus();
});

async function verify() {
  clearFieldErrors(form);
  clear(message);
  if (token === undefined) {
    say(message, 'error', '请先保存核验方令牌 (save a verifier token first)');
    return;
  }
  // Scanners and copies add line breaks and spaces; a compact JWS has none.
  const presented = presentation.value.replace(/\s+/g, '');
  const declared = purpose.value.trim();
  if (presented === '') setFieldError(presentation, '请扫描或粘贴亮证码 (scan or paste the code)');
  else if (presented.length > 8192) setFieldError(presentation, '内容过长 (too long to be a presentation)');
  if (declared.length < 2)
    setFieldError(purpose, '请填写申请事由，至少 2 个字 (declare the purpose, 2+ characters)');
  if (focusFirstInvalid(form)) return;
  submit.disabled = true;
  say(message, 'info', '核验中… (verifying…)');
  try {
    const { data } = await api('/api/v1/verifications', {
      method: 'POST',
      token,
      body: { token: presented, purpose: declared },
    });
    clear(message);
    await render(/** @type {Verification} */ (data));
  } catch (error) {
    say(message, 'error', '未能核验 (not verified): ', ...problemContent(error));
  } finally {
    submit.disabled = false;
  }
}

/**
 * @param {string} code
 * @returns {Promise<LicenceType | undefined>}
 */
function licenceType(code) {
  let found = typeCache.get(code);
  if (found === undefined) {
    found = api(`/api/v1/registry/licence-types/${encodeURIComponent(code)}`, { token }).then(
      ({ data }) => /** @type {LicenceType} */ (data),
      () => undefined,
    );
    typeCache.set(code, found);
  }
  return found;
}

/**
 * Shows a verification answer.
 * @param {Verification} v
 */
async function render(v) {
  const valid = v.result === 'VALID';
  const [zh, en] = RESULT_LABELS[v.result] ?? ['未通过', 'Not valid'];
  const verdict = h(
    'div',
    { class: `verdict ${valid ? 'valid' : 'invalid'}`, id: 'verdict', 'data-result': v.result },
    h('span', { class: 'mark', 'aria-hidden': 'true', text: valid ? '✓' : '✗' }),
    h('span', { class: 'word', text: zh }),
    h('span', { class: 'code', lang: 'en', text: valid ? 'VALID' : `${v.result} · ${en}` }),
  );
  if (v.reason !== undefined) {
    verdict.append(
      h(
        'p',
        { class: 'reason', id: 'verdict-reason' },
        '原因 Reason: ',
        h('strong', { text: v.reason.text === '' ? v.reason.code : v.reason.text }),
        v.reason.text === '' ? '' : ` (${v.reason.code})`,
      ),
    );
  }

  const type = v.licence === undefined ? undefined : await licenceType(v.licence.typeCode);
  const [issuerName, provinceName] =
    v.licence === undefined
      ? [undefined, undefined]
      : await Promise.all([names.agency(v.licence.issuerUscc), names.province(v.licence.issuerMsp)]);
  /** @type {[DocumentFragment, Node | string][]} */
  const facts = [];
  if (v.licence !== undefined) {
    const l = v.licence;
    facts.push(
      [bi('证照编号', 'Licence ID'), h('span', { class: 'mono', text: l.id })],
      [bi('证照类型', 'Type'), type === undefined ? l.typeCode : `${type.name} (${l.typeCode})`],
      [bi('颁证单位', 'Issuer'), issuerName === undefined ? l.issuerUscc : `${issuerName} (${l.issuerUscc})`],
      [
        bi('签发省份', 'Issuing province'),
        h('span', { id: 'issuer-province', title: l.issuerMsp, text: provinceName ?? l.issuerMsp }),
      ],
      [bi('有效期', 'Validity'), formatValidity(l.validFrom, l.validUntil)],
      [bi('当前状态', 'Status'), statusBadge(l.status)],
    );
  }
  if (v.recognition !== undefined)
    facts.push([bi('互认依据', 'Recognition'), recognitionText(v.recognition)]);
  facts.push([
    bi('账本高度', 'Ledger point'),
    v.ledger === null
      ? '未读取账本 (ledger not consulted)'
      : `#${v.ledger.height} · ${formatTime(v.ledger.time)}`,
  ]);
  facts.push([bi('核验时间', 'Verified at'), formatTime(v.verifiedAt)]);

  const parts = [
    verdict,
    h('dl', { class: 'facts' }, ...facts.flatMap(([dt, dd]) => [h('dt', {}, dt), h('dd', {}, dd)])),
  ];
  const disclosed = Object.entries(v.disclosed ?? {});
  parts.push(h('h3', {}, bi('出示的信息', 'Disclosed fields')));
  parts.push(
    disclosed.length === 0
      ? h('p', { class: 'empty', text: '未出示任何字段 (no fields disclosed)' })
      : h(
          'table',
          { id: 'disclosed' },
          h(
            'tbody',
            {},
            ...disclosed.map(([name, value]) =>
              h(
                'tr',
                { 'data-field': name },
                h('th', { scope: 'row' }, fieldLabel(type, name)),
                h('td', { text: String(value) }),
              ),
            ),
          ),
        ),
  );
  const receipt = h('textarea', { id: 'receipt', class: 'mono', readonly: true, rows: '4' });
  receipt.value = v.receipt;
  const copy = h('button', { type: 'button', class: 'secondary small' }, bi('复制回执', 'Copy receipt'));
  const copied = h('span', { class: 'hint', role: 'status' });
  copy.addEventListener('click', () => {
    void copyText(v.receipt, receipt).then((ok) => {
      copied.textContent = ok ? ' 已复制 copied' : ' 已选中 selected';
    });
  });
  parts.push(
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'receipt' }, bi('核验回执（本省网关签名）', 'Receipt signed by this gateway')),
      receipt,
    ),
    h('div', { class: 'actions' }, copy, copied),
  );
  result.replaceChildren(...parts);
  result.focus();
}

/**
 * @param {NonNullable<Verification['recognition']>} r
 * @returns {string}
 */
function recognitionText(r) {
  switch (r.basis) {
    case 'own':
      return '本省签发 (issued by this province)';
    case 'national':
      return '全国互认证照类型 (nationally recognised type)';
    default:
      return `本省互认规则 第 ${r.ruleVersion ?? '?'} 版 (recognition rule v${r.ruleVersion ?? '?'})${
        r.localEquivalentType === undefined ? '' : ` · 视同 ${r.localEquivalentType}`
      }`;
  }
}
