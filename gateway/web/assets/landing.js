// @ts-check
/**
 * Landing page: shows whether this gateway is ready (its database and ledger answer).
 */
import { api, ApiError, bi, byId } from './common.js';

const readiness = byId('readiness');

/** @param {Record<string, boolean>} checks */
function show(checks) {
  const names = /** @type {Record<string, [string, string]>} */ ({
    database: ['数据库', 'database'],
    ledger: ['账本', 'ledger'],
  });
  const parts = Object.entries(checks).map(([name, ok]) => {
    const [zh, en] = names[name] ?? [name, name];
    return `${zh} ${en} ${ok ? '✓' : '✗'}`;
  });
  readiness.replaceChildren(parts.join(' · '));
}

api('/readyz').then(
  ({ data }) => show(/** @type {{ checks: Record<string, boolean> }} */ (data).checks),
  (/** @type {unknown} */ error) => {
    // 503 still carries the checks; anything else means the gateway did not answer.
    const body =
      error instanceof ApiError ? /** @type {{ checks?: Record<string, boolean> }} */ (error.problem) : {};
    if (body.checks !== undefined) show(body.checks);
    else readiness.replaceChildren(bi('无法获取', 'unavailable'));
  },
);
