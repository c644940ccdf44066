import express from 'express';
import fc from 'fast-check';
import request from 'supertest';
import { createAuthKit } from '../auth/test-kit';
import { bodyControlCharacters, hasControlCharacter, hasControlCharacterInText } from './text';
import { bodyOf, testApp } from './test-app';

describe('control characters', () => {
  it('are every C0 control and DEL; text may keep TAB, LF and CR', () => {
    for (let c = 0; c < 0x80; c++) {
      const ch = String.fromCharCode(c);
      const control = c < 0x20 || c === 0x7f;
      expect(hasControlCharacter(`a${ch}b`)).toBe(control);
      expect(hasControlCharacterInText(`a${ch}b`)).toBe(control && !['\t', '\n', '\r'].includes(ch));
    }
    expect(hasControlCharacter('张三 Ω \u0085 \u2028')).toBe(false);
  });

  it('are found in body values and property names at any depth, without echoing the names', () => {
    expect(bodyControlCharacters({ a: 'ok\n', b: [1, true, null, { c: 'x\u0000' }] })).toEqual([
      { path: '/b/3/c', message: 'contains a control character' },
    ]);
    expect(bodyControlCharacters({ fields: { 'na\u0000me': 'x' } })).toEqual([
      { path: '/fields', message: 'has a property name with a control character' },
    ]);
    expect(bodyControlCharacters('\u0007')).toEqual([{ path: '/', message: 'contains a control character' }]);
    expect(bodyControlCharacters({ 'a/b~': ['\u007f'] })).toEqual([
      { path: '/a~1b~0/0', message: 'contains a control character' },
    ]);
    // Deeper than any call stack.
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(bodyControlCharacters(deep)).toHaveLength(1);
  });

  it('finds one in any string a body holds (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 0, max: 0x1f }), (value, c) => {
        const ch = String.fromCharCode(c);
        const alreadyBad = bodyControlCharacters(value).length > 0;
        const found = bodyControlCharacters({ wrap: value, added: `x${ch}` }).length > 0;
        expect(found).toBe(alreadyBad || !['\t', '\n', '\r'].includes(ch));
      }),
    );
  });
});

describe('control characters over HTTP', () => {
  const kit = createAuthKit();
  const router = express.Router();
  let reached = 0;
  router.all('/things/:id', (_req, res) => {
    reached += 1;
    res.json({ ok: true });
  });
  const app = testApp({
    verifier: kit.verifier,
    routers: [{ path: '/api/v1', router, authenticated: false }],
  });

  it.each([
    ['a NUL in the path', (r: request.Agent) => r.get('/api/v1/things/a%00b')],
    ['a lower-case escape in the path', (r: request.Agent) => r.get('/api/v1/things/a%1fb')],
    ['DEL in the path', (r: request.Agent) => r.get('/api/v1/things/a%7Fb')],
    ['a NUL in a query value', (r: request.Agent) => r.get('/api/v1/things/a?q=x%00')],
    ['a tab in a query value', (r: request.Agent) => r.get('/api/v1/things/a?q=x%09')],
    ['a control character in a query name', (r: request.Agent) => r.get('/api/v1/things/a?q%01=x')],
    ['a NUL in a body value', (r: request.Agent) => r.post('/api/v1/things/a').send({ p: 'x\u0000' })],
    ['a NUL in a body name', (r: request.Agent) => r.post('/api/v1/things/a').send({ 'p\u0000': 'x' })],
  ])('refuses %s with 400 INVALID_ARGUMENT before any handler', async (_name, send) => {
    const before = reached;
    const res = await send(request.agent(app));
    expect(res.status).toBe(400);
    expect(bodyOf(res).code).toBe('INVALID_ARGUMENT');
    expect(res.text).not.toContain('\\u0000');
    expect(reached).toBe(before);
  });

  it('lets through multi-line text in body values, escaped controls that are not controls, and Unicode', async () => {
    const ok = await request(app)
      .post('/api/v1/things/%E5%BC%A0%2500?q=%E4%B8%89%2509')
      .send({ reasonText: 'line one\r\nline two\tend', name: '张三' });
    expect(ok.status).toBe(200);
  });
});
