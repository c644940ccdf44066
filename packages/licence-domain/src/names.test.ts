import { CONTRACT, EVENT, EVENT_NAMES, TX, splitTxName } from './names';

describe('transaction and event names', () => {
  it('qualifies every transaction with one of the two contracts', () => {
    for (const name of Object.values(TX)) {
      const { contract, fn } = splitTxName(name);
      expect(Object.values(CONTRACT)).toContain(contract);
      expect(fn).toMatch(/^[A-Z][A-Za-z]+$/);
    }
  });

  it('never declares the same transaction twice', () => {
    const names = Object.values(TX);
    expect(new Set(names).size).toBe(names.length);
  });

  it('uses the constant key as the function name, so call sites cannot drift', () => {
    for (const [key, name] of Object.entries(TX)) expect(splitTxName(name).fn).toBe(key);
  });

  it('lists every event name once', () => {
    expect([...EVENT_NAMES].sort()).toEqual(Object.values(EVENT).sort());
    expect(new Set(EVENT_NAMES).size).toBe(EVENT_NAMES.length);
  });
});
