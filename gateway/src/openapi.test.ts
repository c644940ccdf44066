import { buildOpenApi, joinPath } from './openapi';

const info = { title: 't', version: '1' };

describe('buildOpenApi', () => {
  it('joins mount paths', () => {
    expect(joinPath('/api/v1/licences', '/')).toBe('/api/v1/licences');
    expect(joinPath('/api/v1/licences/', '/{id}')).toBe('/api/v1/licences/{id}');
    expect(joinPath('', '/healthz')).toBe('/healthz');
  });

  it('merges methods on the same path from different parts', () => {
    const doc = buildOpenApi(
      [
        { basePath: '/api/v1/x', paths: { '/': { get: { responses: {} } } } },
        {
          basePath: '/api/v1',
          paths: { '/x': { post: { responses: {} } } },
          schemas: { X: { type: 'object' } },
        },
      ],
      info,
    );
    const paths = doc.paths as Record<string, Record<string, unknown>>;
    expect(Object.keys(paths['/api/v1/x'] ?? {}).sort()).toEqual(['get', 'post']);
    expect((doc.components as { schemas: Record<string, unknown> }).schemas.X).toEqual({ type: 'object' });
  });

  it('refuses an operation or schema documented twice', () => {
    const part = { basePath: '/a', paths: { '/': { get: { responses: {} } } } };
    expect(() => buildOpenApi([part, part], info)).toThrow(/documented twice/);
    expect(() => buildOpenApi([{ paths: {}, schemas: { Problem: {} } }], info)).toThrow(/defined twice/);
  });
});
