// @ts-check
/* global HTMLButtonElement, HTMLImageElement, HTMLTextAreaElement, HTMLAnchorElement, HTMLInputElement, setInterval, clearInterval */
/**
 * Citizen licence wallet: my licences, the fields to disclose (personal fields unticked by
 * default), the presentation QR code with a countdown to its expiry, and who verified my licences.
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
  loadLicenceTypes,
  nameOf,
  newIdempotencyKey,
  peekClaims,
  problemContent,
  say,
  setupTokenPanel,
  statusBadge,
} from './common.js';

/**
 * @typedef {import('./common.js').LicenceType} LicenceType
 * @typedef {{ id: string, typeCode: string, issuerUscc: string, status: string | null, validFrom: string,
 *   validUntil: string | null, createdAt: string, fields: Record<string, string | number | boolean> }} HolderLicence
 * @typedef {{ token: string, jti: string, expiresAt: string, bytes: number, disclosed: string[],
 *   qr: { png: string, svg: string } }} Presentation
 * @typedef {{ id: string, licenceId: string | null, issuerMsp: string | null, verifierProvince: string,
 *   verifierAgency: string | null, purpose: string, result: string, at: string }} VerificationEntry
 */

const licencesRefresh = byId('licences-refresh', HTMLButtonElement);
const licencesMessage = byId('licences-message');
const licenceList = byId('licence-list');

const qrEmpty = byId('qr-empty');
const qrBox = byId('qr-box');
const qrImg = byId('qr-img', HTMLImageElement);
const qrCountdown = byId('qr-countdown');
const qrAnnounce = byId('qr-announce');
const qrDisclosed = byId('qr-disclosed');
const qrToken = byId('qr-token', HTMLTextAreaElement);
const qrCopy = byId('qr-copy', HTMLButtonElement);
const qrSvg = byId('qr-svg', HTMLAnchorElement);
const qrRenew = byId('qr-renew', HTMLButtonElement);

const traceRefresh = byId('trace-refresh', HTMLButtonElement);
const traceMessage = byId('trace-message');
const traceRows = byId('trace-rows');

/** @type {string | undefined} */
let token;
/** @type {Map<string, LicenceType>} */
let types = new Map();
/** @type {{ licenceId: string, typeCode: string, disclose: string[] } | undefined} */
let lastRequest;
/** @type {ReturnType<typeof setInterval> | undefined} */
let timer;
const registry = new RegistryNames(() => token);

setupTokenPanel({
  role: 'holder',
  onChange: (value) => {
    token = value;
    registry.clear();
    licenceList.replaceChildren();
    traceRows.replaceChildren();
    hideQr();
    if (token !== undefined) void refreshAll();
  },
});

licencesRefresh.addEventListener('click', () => void loadLicences());
traceRefresh.addEventListener('click', () => void loadTrace());
qrRenew.addEventListener('click', () => {
  if (lastRequest !== undefined) void present(lastRequest, qrAnnounce);
});
qrCopy.addEventListener('click', () => {
  void copyText(qrToken.value, qrToken).then((copied) => {
    say(
      qrAnnounce,
      'info',
      copied ? '已复制 (copied)' : '已选中文本，请手动复制 (selected; copy it manually)',
    );
  });
});

async function refreshAll() {
  if (token === undefined) return;
  try {
    types = await loadLicenceTypes(token);
  } catch {
    types = new Map(); // labels fall back to field names
  }
  await Promise.all([loadLicences(), loadTrace()]);
}

// ------------------------------------------------------------------ licences

async function loadLicences() {
  if (token === undefined) return;
  try {
    const { data } = await api('/api/v1/holder/licences?limit=50', { token });
    const items = /** @type {{ items: HolderLicence[] }} */ (data).items;
    licenceList.replaceChildren(...items.map(licenceCard));
    if (items.length === 0) say(licencesMessage, 'info', '暂无证照 (no licences yet)');
    else clear(licencesMessage);
  } catch (error) {
    say(licencesMessage, 'error', '无法读取证照 (could not load your licences): ', ...problemContent(error));
  }
}

/**
 * A licence with its disclosure choices.
 * @param {HolderLicence} licence
 * @param {number} index
 * @returns {HTMLElement}
 */
function licenceCard(licence, index) {
  const type = types.get(licence.typeCode);
  const names = orderedFieldNames(type, licence.fields);
  const checks = names.map((name, i) => {
    const spec = type?.fields.find((f) => f.name === name);
    const personal = spec?.personal ?? true; // unknown fields are treated as personal
    const id = `disclose-${index}-${i}`;
    const box = h('input', { type: 'checkbox', id, value: name, 'data-field': name });
    box.checked = !personal;
    const text = h(
      'span',
      {},
      fieldLabel(type, name),
      '：',
      h('strong', { text: String(licence.fields[name]) }),
    );
    if (personal) text.append(h('span', { class: 'tag', text: '个人信息 personal' }));
    return h('label', { class: 'check', for: id }, box, text);
  });
  const message = h('div', { class: 'message', role: 'status', 'aria-live': 'polite' });
  const button = h('button', { type: 'submit' }, bi('生成亮证码', 'Show QR code'));
  const titleId = `licence-title-${index}`;
  const form = h(
    'form',
    {
      class: `licence-card${licence.status === '01' ? '' : ' inactive'}`,
      'data-licence': licence.id,
      'aria-labelledby': titleId,
    },
    h(
      'header',
      {},
      h('h3', { id: titleId, text: type?.name ?? licence.typeCode }),
      statusBadge(licence.status),
    ),
    h(
      'p',
      { class: 'meta' },
      h('span', { class: 'mono', text: licence.id }),
      h('br'),
      `有效期 ${formatValidity(licence.validFrom, licence.validUntil)} · 颁证单位 `,
      nameOf(registry.agency(licence.issuerUscc), licence.issuerUscc, { class: 'issuer-name' }),
    ),
    h('fieldset', {}, h('legend', {}, bi('选择出示的信息', 'Fields to disclose')), ...checks),
    h('div', { class: 'actions' }, button),
    message,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const disclose = [...form.querySelectorAll('input[type="checkbox"]')]
      .filter((box) => box instanceof HTMLInputElement && box.checked)
      .map((box) => /** @type {HTMLInputElement} */ (box).value);
    button.disabled = true;
    void present({ licenceId: licence.id, typeCode: licence.typeCode, disclose }, message).finally(() => {
      button.disabled = false;
    });
  });
  return form;
}

/**
 * The licence's field names in catalogue order, then any others.
 * @param {LicenceType | undefined} type
 * @param {Record<string, unknown>} fields
 * @returns {string[]}
 */
function orderedFieldNames(type, fields) {
  const known = (type?.fields ?? []).map((f) => f.name).filter((n) => Object.hasOwn(fields, n));
  return [...known, ...Object.keys(fields).filter((n) => !known.includes(n))];
}

// ------------------------------------------------------------------ presentation

/**
 * Creates a presentation and shows its QR code.
 * @param {{ licenceId: string, typeCode: string, disclose: string[] }} request
 * @param {HTMLElement} message where errors go
 */
async function present(request, message) {
  if (token === undefined) return;
  const { licenceId, disclose } = request;
  clear(message);
  // Before the request leaves: the token is signed after this instant (see showQr).
  const sentAt = Date.now();
  try {
    const { data } = await api(`/api/v1/holder/licences/${encodeURIComponent(licenceId)}/presentations`, {
      method: 'POST',
      token,
      body: { disclose },
      // Each press means a new code; the key only guards against a duplicated request.
      idempotencyKey: newIdempotencyKey(),
    });
    lastRequest = request;
    showQr(/** @type {Presentation} */ (data), sentAt, request);
  } catch (error) {
    say(message, 'error', '无法生成亮证码 (could not create the code): ', ...problemContent(error));
  }
}

/**
 * How long the code is accepted, counted from `sentAt`. Verifiers refuse it from its exp (no clock
 * tolerance is added to exp). It was signed after `sentAt`, at an iat rounded down to the second, so
 * `sentAt + (exp - iat - 1) s` is never later than that deadline while the gateways' clocks agree:
 * the countdown ends at most a second and a round trip early, never late, whatever this device's
 * clock says.
 * @param {Presentation} p
 * @param {number} sentAt Date.now() when the request was sent
 * @returns {number} milliseconds
 */
function presentationLifetimeMs(p, sentAt) {
  const claims = peekClaims(p.token);
  if (typeof claims?.iat === 'number' && typeof claims.exp === 'number') {
    return Math.max(0, (claims.exp - claims.iat - 1) * 1000);
  }
  return Math.max(0, Date.parse(p.expiresAt) - sentAt - 1000); // the device clock, as the last resort
}

/**
 * @param {Presentation} p
 * @param {number} sentAt Date.now() when the request was sent
 * @param {{ licenceId: string, typeCode: string }} request
 */
function showQr(p, sentAt, request) {
  const lifetimeMs = presentationLifetimeMs(p, sentAt);
  const deadline = sentAt + lifetimeMs;
  qrEmpty.hidden = true;
  qrBox.hidden = false;
  qrBox.classList.remove('expired');
  qrBox.dataset.licence = request.licenceId;
  qrImg.src = p.qr.png;
  qrToken.value = p.token;
  qrSvg.href = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(p.qr.svg)}`;
  const type = types.get(request.typeCode);
  qrDisclosed.replaceChildren(
    '出示 Disclosing: ',
    ...(p.disclosed.length === 0
      ? ['仅证照有效性 (validity only)']
      : p.disclosed.flatMap((name, i) => [i === 0 ? '' : '、', fieldLabel(type, name)])),
    ` · ${p.bytes} bytes`,
  );
  const minutes = Math.max(1, Math.round(lifetimeMs / 60000));
  say(qrAnnounce, 'info', `亮证码已生成，${minutes} 分钟内有效 (code ready, valid for ${minutes} min)`);
  if (timer !== undefined) clearInterval(timer);
  const tick = () => {
    const left = Math.ceil((deadline - Date.now()) / 1000);
    if (left <= 0) {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      qrBox.classList.add('expired');
      qrCountdown.textContent = '已过期 Expired';
      say(qrAnnounce, 'warn', '亮证码已过期，请重新生成 (the code has expired; make a new one)');
      return;
    }
    const mm = Math.floor(left / 60);
    const ss = String(left % 60).padStart(2, '0');
    qrCountdown.textContent = `剩余 ${mm}:${ss} remaining`;
  };
  tick();
  timer = setInterval(tick, 500);
  qrBox.scrollIntoView({ block: 'nearest' });
}

function hideQr() {
  if (timer !== undefined) clearInterval(timer);
  timer = undefined;
  qrBox.hidden = true;
  qrEmpty.hidden = false;
  qrImg.removeAttribute('src');
  qrToken.value = '';
  lastRequest = undefined;
}

// ------------------------------------------------------------------ usage trace

async function loadTrace() {
  if (token === undefined) return;
  try {
    const { data } = await api('/api/v1/holder/verifications?limit=50', { token });
    const items = /** @type {{ items: VerificationEntry[] }} */ (data).items;
    traceRows.replaceChildren(
      ...items.map((v) =>
        h(
          'tr',
          {},
          h('td', { text: formatTime(v.at) }),
          h('td', { class: 'id', text: v.licenceId ?? '—' }),
          h(
            'td',
            {},
            nameOf(registry.province(v.verifierProvince), v.verifierProvince),
            ...(v.verifierAgency === null
              ? []
              : [' · ', nameOf(registry.agency(v.verifierAgency), v.verifierAgency)]),
          ),
          h('td', { text: v.purpose }),
          h('td', {}, h('span', { class: `badge ${v.result === 'VALID' ? 's01' : 's07'}`, text: v.result })),
        ),
      ),
    );
    if (items.length === 0) {
      traceRows.append(
        h('tr', {}, h('td', { colspan: '5', class: 'empty', text: '暂无核验记录 (no verifications yet)' })),
      );
    }
    clear(traceMessage);
  } catch (error) {
    say(traceMessage, 'error', '无法读取使用痕迹 (could not load the trace): ', ...problemContent(error));
  }
}
