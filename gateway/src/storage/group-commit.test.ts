import { GroupCommit } from './group-commit';

/** A writer whose calls the test completes by hand. */
function manualWriter<I, O>(answer: (items: readonly I[]) => readonly O[]) {
  const calls: { items: readonly I[]; finish(): void; fail(e: Error): void }[] = [];
  const write = (items: readonly I[]): Promise<readonly O[]> =>
    new Promise((resolve, reject) => {
      calls.push({ items, finish: () => resolve(answer(items)), fail: reject });
    });
  return { calls, write };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('writes the first item at once, then everything that arrived meanwhile in one batch', async () => {
    const w = manualWriter<number, number>((items) => items.map((n) => n * 10));
    const gc = new GroupCommit(w.write);
    const first = gc.submit(1);
    await tick();
    expect(w.calls.map((c) => c.items)).toEqual([[1]]);
    const later = [2, 3, 4].map((n) => gc.submit(n));
    await tick();
    expect(w.calls).toHaveLength(1);
    expect(gc.pending).toBe(3);
    w.calls[0]!.finish();
    expect(await first).toBe(10);
    await tick();
    expect(w.calls.map((c) => c.items)).toEqual([[1], [2, 3, 4]]);
    w.calls[1]!.finish();
    expect(await Promise.all(later)).toEqual([20, 30, 40]);
    expect(gc.pending).toBe(0);
  });

  it('never puts more than maxBatch items in one write', async () => {
    const sizes: number[] = [];
    const gc = new GroupCommit<number, number>(async (items) => {
      sizes.push(items.length);
      await tick();
      return items;
    }, 3);
    const out = await Promise.all(Array.from({ length: 10 }, (_, i) => gc.submit(i)));
    expect(out).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(3);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(10);
  });

  it('fails only the item that breaks a batch: the others are written again one by one', async () => {
    const written: number[][] = [];
    const gc = new GroupCommit<number, string>(async (items) => {
      written.push([...items]);
      await tick();
      if (items.includes(13)) throw new Error('check constraint violated');
      return items.map((n) => `ok ${n}`);
    });
    const blocker = gc.submit(0);
    const rest = [11, 12, 13, 14].map((n) => gc.submit(n).catch((e: Error) => e.message));
    expect(await blocker).toBe('ok 0');
    expect(await Promise.all(rest)).toEqual(['ok 11', 'ok 12', 'check constraint violated', 'ok 14']);
    expect(written).toEqual([[0], [11, 12, 13, 14], [11], [12], [13], [14]]);
  });

  it('rejects every item of a batch whose writer answers the wrong number of results', async () => {
    const gc = new GroupCommit<number, number>(() => Promise.resolve([1, 2, 3]));
    await expect(gc.submit(7)).rejects.toThrow('answered 3 results for 1 items');
  });

  it('keeps working after a failed write', async () => {
    let fail = true;
    const gc = new GroupCommit<number, number>((items) =>
      fail ? Promise.reject(new Error('down')) : Promise.resolve(items),
    );
    await expect(gc.submit(1)).rejects.toThrow('down');
    fail = false;
    expect(await gc.submit(2)).toBe(2);
  });

  it('refuses a batch bound that is not a positive integer', () => {
    expect(() => new GroupCommit(() => Promise.resolve([]), 0)).toThrow(RangeError);
    expect(() => new GroupCommit(() => Promise.resolve([]), 1.5)).toThrow(RangeError);
  });
});
