/**
 * The web pages in a real browser (Debian's Chromium through playwright-core) against two real
 * province gateways on 127.0.0.1 (embedded ledger, embedded Postgres): Guangdong issues, Zhejiang
 * verifies. The walk-through of the README, driven through the pages: issue in the Guangdong issuer
 * console → the holder shows a QR code in the wallet → the Zhejiang verifier sees VALID → the issuer
 * revokes → a fresh presentation verifies as REVOKED with the reason text.
 *
 * Set WEB_SCREENSHOTS=1 to write screenshots of every page to <tmpdir>/licence-ledger-web.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  AGENCY,
  CLUSTER_START_MS,
  GD,
  HOLDER_ID,
  ZJ,
  drivingLicence,
  startTestCluster,
} from '../routes/test-support';
import type { TestCluster } from '../routes/test-support';
import {
  browserUnavailableReason,
  chromiumPath,
  computedStyle,
  fieldError,
  imageLoaded,
  launchChromium,
  openUser,
  overflowing,
  serveWithWeb,
  unlabelledControls,
  valueChanged,
  withoutExpectedHttpErrors,
} from './browser-support';
import type { PageProblems, ServedProvince } from './browser-support';
import { WEB_CSP } from '.';
import { testClock } from '../test-clock';

jest.setTimeout(60_000);

const executable = chromiumPath();
const SHOTS = process.env.WEB_SCREENSHOTS === '1' ? join(tmpdir(), 'licence-ledger-web') : undefined;

/** Writes a full-page screenshot when WEB_SCREENSHOTS=1. */
async function shot(page: Page, name: string): Promise<void> {
  if (SHOTS === undefined) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Pastes a bearer token into the page's token panel and waits until the page accepted it. */
async function useToken(page: Page, token: string): Promise<void> {
  await page.fill('#token-input', token);
  await page.click('#token-form button[type="submit"]');
  await page.locator('#token-status.ok').waitFor();
}

/** Fills the issue form for a driving licence. */
async function fillDrivingLicence(page: Page, idNo: string, licenceClass: string): Promise<void> {
  await page.locator('#type-select option[value="JDCJSZ"]').waitFor({ state: 'attached' });
  await page.selectOption('#type-select', 'JDCJSZ');
  await page.getByLabel('姓名').fill('张三');
  await page.getByLabel('身份证号').fill(idNo);
  await page.getByLabel('准驾车型').fill(licenceClass);
  await page.getByLabel('初次领证日期').fill('2012-05-04');
  await page.fill('#valid-from', '2024-01-01');
  await page.fill('#valid-until', '2034-01-01');
}

if (executable === undefined) {
  const reason = browserUnavailableReason() ?? 'no Chromium';
  if (process.env.CI === 'true') {
    describe('web pages in Chromium', () => {
      it('has a browser to run in (required in CI)', () => {
        throw new Error(`the browser suite cannot run: ${reason}`);
      });
    });
  } else {
    process.stderr.write(`web pages browser suite SKIPPED: ${reason}\n`);
    describe('web pages in Chromium', () => {
      it.skip(`SKIPPED: ${reason}`, () => undefined);
    });
  }
} else {
  describe('web pages in Chromium, Guangdong issues and Zhejiang verifies', () => {
    let t: TestCluster;
    let gd: ServedProvince;
    let zj: ServedProvince;
    let browser: Browser;
    const contexts: BrowserContext[] = [];
    const watched: { name: string; problems: PageProblems; expectedHttpErrors: number[] }[] = [];
    let issuerToken: string;
    /** Both gateways' clock: it runs with the system clock until a test freezes it. */
    const clock = testClock();

    /** A new user (browser context) with a watched page. */
    async function user(name: string, expectedHttpErrors: number[] = []): Promise<Page> {
      const { context, page, problems } = await openUser(browser);
      contexts.push(context);
      watched.push({ name, problems, expectedHttpErrors });
      return page;
    }

    beforeAll(async () => {
      [t, browser] = await Promise.all([
        startTestCluster({ provinces: [GD, ZJ], provinceOptions: { clock } }),
        launchChromium(executable),
      ]);
      gd = await serveWithWeb(t.cluster.province(GD), t.cluster.port);
      zj = await serveWithWeb(t.cluster.province(ZJ), t.cluster.port);
      issuerToken = await t.token({ role: 'issuer', province: GD, agency: AGENCY.gdDmv });
    }, CLUSTER_START_MS);

    afterAll(async () => {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser?.close();
      await gd?.close();
      await zj?.close();
      await t?.close();
    });

    it('landing page names the province, links the consoles, and is served with the CSP', async () => {
      const page = await user('landing');
      const assetHeaders: Record<string, string>[] = [];
      page.on('response', (res) => {
        if (res.url().includes('/assets/')) assetHeaders.push(res.headers());
      });
      const res = await page.goto(`${gd.url}/`);
      expect(res?.status()).toBe(200);
      expect(res?.headers()['content-security-policy']).toBe(WEB_CSP);
      expect(res?.headers()['content-type']).toBe('text/html; charset=utf-8');
      expect(await page.textContent('#province-badge')).toContain('广东省');
      await page.locator('#readiness', { hasText: '✓' }).waitFor();
      expect(await page.textContent('#readiness')).not.toContain('✗');
      for (const [name, href] of [
        [/颁证单位控制台/, '/issuer'],
        [/我的证照/, '/wallet'],
        [/核验.*Verifier/, '/verify'],
      ] as const) {
        expect(await page.getByRole('link', { name }).getAttribute('href')).toBe(href);
      }
      // The stylesheet applied under the CSP (no inline styles anywhere).
      expect(await computedStyle(page, '.site-header', 'background-color')).toBe('rgb(20, 72, 143)');
      expect(assetHeaders.length).toBeGreaterThanOrEqual(3);
      for (const headers of assetHeaders) {
        expect(headers['cache-control']).toBe('public, max-age=31536000, immutable');
      }
      await shot(page, 'landing');
      await page.setViewportSize({ width: 390, height: 844 });
      expect(await overflowing(page)).toEqual([]);
      await shot(page, 'landing-mobile');
    });

    it('shows field errors next to the fields: from the type schema, and from the gateway', async () => {
      const page = await user('issuer-errors', [400]);
      let posts = 0;
      page.on('request', (req) => {
        if (req.method() === 'POST' && req.url().endsWith('/api/v1/licences')) posts++;
      });
      await page.goto(`${gd.url}/issuer`);
      await useToken(page, issuerToken);
      await fillDrivingLicence(page, HOLDER_ID, 'ZZ');
      // The hint under 准驾车型 gives the catalogue's examples, not its regular expression.
      const hintId = (
        (await page.locator('[data-field="class"]').getAttribute('aria-describedby')) ?? ''
      ).split(' ')[0];
      const hint = (await page.locator(`[id="${hintId}"]`).textContent()) ?? '';
      expect(hint).toContain('如 C1、C1E、A2D');
      expect(hint).not.toContain('|'); // (A1|A2|A3|B1|…)+
      await page.click('#issue-submit');
      expect(await fieldError(page, 'class')).toContain('格式不符合要求，应如 C1、C1E、A2D');
      expect(await fieldError(page, 'name')).toBe('');
      expect(await page.locator('*:focus').getAttribute('data-field')).toBe('class');
      expect(posts).toBe(0);

      // A citizen ID with a wrong check character passes the schema; the gateway refuses it.
      await page.getByLabel('准驾车型').fill('C1');
      await page.getByLabel('身份证号').fill('440106199003071081');
      await page.click('#issue-submit');
      await page.locator('#issue-result.error', { hasText: 'INVALID_CITIZEN_ID' }).waitFor();
      expect(posts).toBe(1);
      // The gateway's error in Chinese first (its titleZh), then its English detail.
      expect(await page.textContent('#issue-result')).toMatch(/签发失败.*公民身份号码无效：\(.+\)/);
      expect(await fieldError(page, 'idNo')).toContain('公民身份号码无效');
      expect(await fieldError(page, 'class')).toBe('');
      expect(await unlabelledControls(page)).toEqual([]);
      await shot(page, 'issuer-field-errors');
    });

    it('walks through issue → present → verify VALID → revoke → verify REVOKED', async () => {
      // Guangdong issuer console: issue.
      const issuer = await user('issuer');
      await issuer.goto(`${gd.url}/issuer`);
      await useToken(issuer, issuerToken); // pasted with its "Bearer " prefix, as a user might
      await fillDrivingLicence(issuer, HOLDER_ID, 'C1');
      await issuer.click('#issue-submit');
      await issuer.locator('#issued-id').waitFor();
      const id = (await issuer.textContent('#issued-id')) ?? '';
      expect(id).toMatch(/^1\.2\.156\.3005\.2\.JDCJSZ\.11440000MB2C93756J\.\d+\.001\.[0-9A-Z]$/);
      const row = issuer.locator(`tr[data-licence="${id}"]`);
      await row.locator('.badge[data-status="01"]').waitFor();
      await shot(issuer, 'issuer');

      // Guangdong wallet: personal fields start unticked; disclose name, class and first issue date.
      const holder = await user('wallet');
      await holder.goto(`${gd.url}/wallet`);
      await useToken(holder, await t.token({ role: 'holder', province: GD, holderId: HOLDER_ID }));
      const card = holder.locator(`form[data-licence="${id}"]`);
      await card.waitFor();
      const ticked = async (field: string): Promise<boolean> =>
        card.locator(`input[data-field="${field}"]`).isChecked();
      expect(await ticked('name')).toBe(false);
      expect(await ticked('idNo')).toBe(false);
      expect(await ticked('class')).toBe(true);
      expect(await ticked('firstIssued')).toBe(true);
      await card.locator('.issuer-name', { hasText: '广东省公安厅交通管理局' }).waitFor();
      await card.locator('input[data-field="name"]').check();
      await card.getByRole('button', { name: /生成亮证码/ }).click();
      expect(await imageLoaded(holder, '#qr-img')).toBeGreaterThan(0);
      expect(await holder.textContent('#qr-countdown')).toMatch(/剩余 [0-5]:[0-5]\d/);
      expect(await holder.textContent('#qr-disclosed')).toMatch(/姓名.*准驾车型.*初次领证日期/);
      const firstToken = await holder.inputValue('#qr-token');
      expect(firstToken.split('.')).toHaveLength(3);
      expect(await unlabelledControls(holder)).toEqual([]);
      await shot(holder, 'wallet');

      // Zhejiang verify page: VALID, with the three disclosed fields only.
      const verifier = await user('verify');
      await verifier.goto(`${zj.url}/verify`);
      expect(await verifier.textContent('#province-badge')).toContain('浙江省');
      await useToken(verifier, await t.token({ role: 'verifier', province: ZJ, agency: AGENCY.zjDmv }));
      await verifier.fill('#presentation', firstToken);
      await verifier.fill('#purpose', '交通违法处理 traffic check');
      await verifier.click('#verify-submit');
      await verifier.locator('#verdict').waitFor();
      expect(await verifier.getAttribute('#verdict', 'data-result')).toBe('VALID');
      expect(await verifier.textContent('#verdict')).toContain('有效');
      expect(await computedStyle(verifier, '#verdict', 'background-color')).toBe('rgb(18, 112, 58)');
      const disclosed: Record<string, string | null> = {};
      for (const row of await verifier.locator('#disclosed tr').all()) {
        disclosed[(await row.getAttribute('data-field')) ?? '?'] = await row.locator('td').textContent();
      }
      expect(disclosed).toEqual({ name: '张三', class: 'C1', firstIssued: '2012-05-04' });
      const result = (await verifier.textContent('#result')) ?? '';
      expect(result).toContain('全国互认');
      expect(result).toMatch(/#\d+/);
      expect(result).toContain('广东省公安厅交通管理局');
      // Names, not identifiers (regression: the issuing province showed as GuangdongMSP).
      expect(await verifier.textContent('#issuer-province')).toBe('广东省');
      expect(await verifier.inputValue('#receipt')).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(await unlabelledControls(verifier)).toEqual([]);
      await shot(verifier, 'verify-valid');

      // Guangdong issuer console: revoke (a final action needs the confirmation box).
      await row.getByRole('button', { name: /变更状态/ }).click();
      expect(await issuer.inputValue('#status-licence')).toBe(id);
      await issuer.selectOption('#status-action', 'revoke');
      await issuer.fill('#reason-code', 'DRUNK_DRIVING');
      await issuer.fill('#reason-text', '醉酒驾驶');
      await issuer.click('#status-submit');
      expect(await issuer.isVisible('#status-confirm-error')).toBe(true);
      await issuer.check('#status-confirm');
      await issuer.click('#status-submit');
      await issuer.locator('#status-result.ok', { hasText: '07' }).waitFor();
      await row.locator('.badge[data-status="07"]').waitFor();
      await shot(issuer, 'issuer-revoked');

      // The wallet shows the new status; a fresh code is made with the same choice of fields.
      await holder.click('#licences-refresh');
      await card.locator('.badge[data-status="07"]').waitFor();
      await holder.click('#qr-renew');
      const secondToken = await valueChanged(holder, '#qr-token', firstToken);
      expect(await imageLoaded(holder, '#qr-img')).toBeGreaterThan(0);

      // Zhejiang: REVOKED, in red, with the reason text.
      await verifier.click('#verify-next');
      await verifier.fill('#presentation', secondToken);
      await verifier.fill('#purpose', '复查 re-check');
      await verifier.click('#verify-submit');
      await verifier.locator('#verdict[data-result="REVOKED"]').waitFor();
      expect(await verifier.textContent('#verdict-reason')).toContain('醉酒驾驶');
      expect(await computedStyle(verifier, '#verdict', 'background-color')).toBe('rgb(179, 38, 30)');
      await shot(verifier, 'verify-revoked');
      await verifier.setViewportSize({ width: 390, height: 844 });
      expect(await overflowing(verifier)).toEqual([]);
      await shot(verifier, 'verify-revoked-mobile');

      // A check at the holder's own gateway appears in the wallet's usage trace with its purpose.
      await holder.click('#qr-renew');
      const thirdToken = await valueChanged(holder, '#qr-token', secondToken);
      const localVerifier = await user('verify-gd');
      await localVerifier.goto(`${gd.url}/verify`);
      await useToken(
        localVerifier,
        await t.token({ role: 'verifier', province: GD, agency: AGENCY.gdMarket }),
      );
      await localVerifier.fill('#presentation', thirdToken);
      await localVerifier.fill('#purpose', '银行开户 account opening');
      await localVerifier.click('#verify-submit');
      await localVerifier.locator('#verdict[data-result="REVOKED"]').waitFor();
      await holder.click('#trace-refresh');
      await holder.locator('#trace-rows tr', { hasText: '银行开户' }).waitFor();
      expect(await holder.textContent('#trace-rows')).toContain('REVOKED');
      const checkedBy = holder.locator('#trace-rows tr', { hasText: '银行开户' });
      await checkedBy.locator('span', { hasText: '广州市市场监督管理局' }).waitFor();
      expect(await checkedBy.textContent()).toContain('广东省 · 广州市市场监督管理局');
      await shot(holder, 'wallet-after');
      await holder.setViewportSize({ width: 390, height: 844 });
      expect(await overflowing(holder)).toEqual([]);
      await shot(holder, 'wallet-mobile');
    });

    it('shows a garbled presentation as a red MALFORMED verdict, and a short purpose as a field error', async () => {
      const page = await user('verify-malformed');
      await page.goto(`${zj.url}/verify`);
      await useToken(page, await t.token({ role: 'verifier', province: ZJ, agency: AGENCY.zjDmv }));
      await page.fill('#presentation', 'not.a-presentation');
      await page.fill('#purpose', '查');
      await page.click('#verify-submit');
      expect(await fieldError(page, 'purpose')).not.toBe('');
      await page.fill('#purpose', '窗口核验 counter check');
      await page.click('#verify-submit');
      await page.locator('#verdict[data-result="MALFORMED"]').waitFor();
      expect(await computedStyle(page, '#verdict', 'background-color')).toBe('rgb(179, 38, 30)');
      expect(await page.textContent('#result')).toContain('未读取账本');
      await shot(page, 'verify-malformed');
    });

    it('issues for ten years after valid from unless told otherwise, as the CLI (regression: empty meant no end)', async () => {
      const page = await user('issuer-validity');
      const sent: { validUntil?: unknown }[] = [];
      page.on('request', (req) => {
        if (req.method() === 'POST' && req.url().endsWith('/api/v1/licences'))
          sent.push(req.postDataJSON() as { validUntil?: unknown });
      });
      await page.goto(`${gd.url}/issuer`);
      await useToken(page, issuerToken);
      const fillFields = async () => {
        await page.getByLabel('姓名').fill('张三');
        await page.getByLabel('身份证号').fill(HOLDER_ID);
        await page.getByLabel('准驾车型').fill('C1');
        await page.getByLabel('初次领证日期').fill('2012-05-04');
      };
      await page.locator('#type-select option[value="JDCJSZ"]').waitFor({ state: 'attached' });
      await page.selectOption('#type-select', 'JDCJSZ');
      await fillFields();
      await page.fill('#valid-from', '2024-02-29');
      expect(await page.inputValue('#valid-until')).toBe('2034-02-28');

      // Emptied, the end date is an error to correct, not a licence without an end.
      await page.fill('#valid-until', '');
      await page.click('#issue-submit');
      expect(await page.isVisible('#valid-until-error')).toBe(true);
      expect(await page.textContent('#valid-until-error')).toContain('长期有效');
      expect(sent).toEqual([]);

      // No end date only when ticked, and the result says which it is.
      await page.check('#no-end-date');
      await page.click('#issue-submit');
      await page.locator('#issued-validity').waitFor();
      expect(await page.textContent('#issued-validity')).toContain('2024-02-29 至 长期');
      expect(sent.map((b) => b.validUntil)).toEqual([null]);

      await page.uncheck('#no-end-date');
      expect(await page.inputValue('#valid-until')).toBe('2034-02-28');
      await fillFields();
      await page.click('#issue-submit');
      await page.locator('#issued-validity', { hasText: '2034-02-28' }).waitFor();
      expect(await page.textContent('#issued-validity')).toContain('2024-02-29 至 2034-02-28');
      expect(sent.map((b) => b.validUntil)).toEqual([null, '2034-02-28']);
      expect(await unlabelledControls(page)).toEqual([]);
    });

    it("verifies a keyboard-wedge scanner's input on its Enter (regression: Enter added a line break)", async () => {
      const issued = await t
        .http(GD)
        .post('/api/v1/licences')
        .set('authorization', issuerToken)
        .set('idempotency-key', 'scanner-enter')
        .send(drivingLicence());
      const id = (issued.body as { licence: { id: string } }).licence.id;
      const presented = await t
        .http(GD)
        .post(`/api/v1/holder/licences/${encodeURIComponent(id)}/presentations`)
        .set('authorization', await t.token({ role: 'holder', province: GD, holderId: HOLDER_ID }))
        .set('idempotency-key', 'scanner-enter')
        .send({ disclose: ['class'] });
      const token = (presented.body as { token: string }).token;
      expect(token.split('.')).toHaveLength(3);

      const page = await user('verify-scanner');
      let verifications = 0;
      page.on('request', (req) => {
        if (req.method() === 'POST' && req.url().endsWith('/api/v1/verifications')) verifications++;
      });
      await page.goto(`${zj.url}/verify`);
      await useToken(page, await t.token({ role: 'verifier', province: ZJ, agency: AGENCY.zjDmv }));
      await page.fill('#purpose', '路面执勤 roadside check');
      // The scanner types the code's characters as key presses into the focused field, then Enter.
      await page.focus('#presentation');
      await page.keyboard.type(token);
      await page.keyboard.press('Enter');
      await page.locator('#verdict[data-result="VALID"]').waitFor({ timeout: 10_000 });
      expect(await page.inputValue('#presentation')).toBe(token);
      expect(verifications).toBe(1);
      // Shift+Enter is still a line break, not a verification.
      await page.click('#verify-next');
      await page.focus('#presentation');
      await page.keyboard.type('abc');
      await page.keyboard.press('Shift+Enter');
      expect(await page.inputValue('#presentation')).toBe('abc\n');
      expect(verifications).toBe(1);
    });

    // Last of the walk-throughs: it leaves the gateways' clock a few minutes ahead of the system clock.
    it('counts the QR code down to the instant Zhejiang stops accepting it (regression: 30 s after 0:00)', async () => {
      const issued = await t
        .http(GD)
        .post('/api/v1/licences')
        .set('authorization', issuerToken)
        .set('idempotency-key', 'wallet-countdown')
        .send(drivingLicence());
      expect(issued.status).toBe(201);
      const id = (issued.body as { licence: { id: string } }).licence.id;
      // The wallet's clock stands still while the code is made, so its countdown starts exactly then;
      // the gateways' clock stands at a whole second, so the token's iat is that instant.
      const holder = await user('wallet-countdown');
      const pageStart = Date.now();
      await holder.clock.install({ time: pageStart });
      await holder.goto(`${gd.url}/wallet`);
      await useToken(holder, await t.token({ role: 'holder', province: GD, holderId: HOLDER_ID }));
      const card = holder.locator(`form[data-licence="${id}"]`);
      await card.waitFor();
      await holder.clock.pauseAt(pageStart + 60_000);
      const signedAt = Math.floor(Date.now() / 1000) * 1000;
      clock.freeze(signedAt);
      try {
        await card.getByRole('button', { name: /生成亮证码/ }).click();
        const token = await valueChanged(holder, '#qr-token', '');
        const { iat, exp } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
          iat: number;
          exp: number;
        };
        expect(iat * 1000).toBe(signedAt);
        const ttl = exp - iat;
        expect(ttl).toBe(t.cluster.province(GD).config.presentationTtlSeconds);
        const verifierToken = await t.token({ role: 'verifier', province: ZJ, agency: AGENCY.zjDmv });
        /** Zhejiang's verdict on `token` with the gateways' clock `ms` after the token was signed. */
        const verifyAt = async (ms: number): Promise<string> => {
          clock.freeze(signedAt + ms);
          const res = await t
            .http(ZJ)
            .post('/api/v1/verifications')
            .set('authorization', verifierToken)
            .send({ token, purpose: '窗口核验 counter check' });
          return (res.body as { result: string }).result;
        };

        // One second before its 0:00 the wallet shows the code as live, and Zhejiang accepts it.
        await holder.clock.runFor((ttl - 2) * 1000);
        expect(await holder.textContent('#qr-countdown')).toContain('0:01');
        expect(await verifyAt((ttl - 2) * 1000)).toBe('VALID');
        // At 0:00 the wallet says expired; a second later (the iat's rounding, which the wallet allows
        // for) Zhejiang refuses it, and so it does ten seconds later (the clock tolerance adds nothing).
        await holder.clock.runFor(1000);
        expect(await holder.textContent('#qr-countdown')).toContain('已过期');
        expect(await verifyAt(ttl * 1000)).toBe('TOKEN_EXPIRED');
        expect(await verifyAt((ttl + 10) * 1000)).toBe('TOKEN_EXPIRED');
      } finally {
        clock.resume();
      }
    });

    it('leaves no console errors or uncaught exceptions on any page', () => {
      expect(watched.map((w) => w.name)).toEqual(
        expect.arrayContaining(['landing', 'issuer-errors', 'issuer', 'wallet', 'verify', 'verify-gd']),
      );
      for (const w of watched) {
        expect({
          page: w.name,
          errors: withoutExpectedHttpErrors(w.problems.errors, w.expectedHttpErrors),
        }).toEqual({
          page: w.name,
          errors: [],
        });
      }
    });
  });
}
