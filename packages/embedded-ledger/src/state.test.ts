import './test-fixtures/quiet-logs';
import { rejectionCode } from '@licence-ledger/domain';
import type { EmbeddedLedger } from './ledger';
import type { LedgerIdentity } from './types';
import { makeIdentities, openTempLedger, type Org } from './test-fixtures/ledger-fixture';

let ids: Record<Org, LedgerIdentity>;
let ledger: EmbeddedLedger;
let dispose: () => Promise<void>;

beforeAll(async () => {
  ids = await makeIdentities();
});
beforeEach(async () => {
  ({ ledger, dispose } = await openTempLedger());
});
afterEach(async () => {
  await dispose();
});

const submit = (txName: string, ...args: string[]) =>
  ledger.submit({ txName, args, identity: ids.GuangdongMSP });
const evaluate = async (txName: string, ...args: string[]) =>
  (await ledger.evaluate(ids.GuangdongMSP, txName, args)).toString('utf8');

test('a committed write is readable; a missing key reads as empty', async () => {
  await submit('counter:Put', 'k1', 'v1');
  expect(await evaluate('counter:Get', 'k1')).toBe('v1');
  expect(await evaluate('counter:Get', 'absent')).toBe('');
});

test('a transaction does not read its own writes', async () => {
  await submit('counter:Put', 'k', 'old');
  const { result } = await submit('counter:PutThenGet', 'k', 'new');
  expect(result.toString()).toBe('old');
  expect(await evaluate('counter:Get', 'k')).toBe('new');
});

test('evaluate runs writing transactions but commits nothing', async () => {
  const height = ledger.height();
  expect(await evaluate('counter:Increment', 'n')).toBe('1');
  expect(await evaluate('counter:Get', 'n')).toBe('');
  expect(ledger.height()).toBe(height);
});

test('deleteState removes the key', async () => {
  await submit('counter:Put', 'gone', 'x');
  await submit('counter:Delete', 'gone');
  expect(await evaluate('counter:Get', 'gone')).toBe('');
});

test('partial composite key queries page with Fabric bookmarks', async () => {
  for (const id of ['a', 'b', 'c', 'd', 'e']) await submit('counter:PutItem', 'car', id, `car-${id}`);
  await submit('counter:PutItem', 'bike', 'z', 'bike-z');

  const page1 = JSON.parse(await evaluate('counter:ListItems', 'car', '2', '')) as {
    items: string[][];
    bookmark: string;
    count: number;
  };
  expect(page1.items).toEqual([
    ['car', 'a', 'car-a'],
    ['car', 'b', 'car-b'],
  ]);
  expect(page1.count).toBe(2);
  // The bookmark is the next key to start from.
  expect(page1.bookmark).toBe('\u0000item\u0000car\u0000c\u0000');

  const page2 = JSON.parse(await evaluate('counter:ListItems', 'car', '2', page1.bookmark)) as typeof page1;
  expect(page2.items.map((i) => i[1])).toEqual(['c', 'd']);
  const page3 = JSON.parse(await evaluate('counter:ListItems', 'car', '2', page2.bookmark)) as typeof page1;
  expect(page3.items.map((i) => i[1])).toEqual(['e']);
  expect(page3.bookmark).toBe('');

  expect(JSON.parse(await evaluate('counter:ListAllItems', 'bike'))).toEqual(['bike/z']);
  expect(JSON.parse(await evaluate('counter:ListAllItems', ''))).toEqual([
    'bike/z',
    'car/a',
    'car/b',
    'car/c',
    'car/d',
    'car/e',
  ]);
});

test('plain range queries exclude composite keys and treat the end key as exclusive', async () => {
  await submit('counter:PutItem', 'car', 'a', 'x');
  for (const k of ['a', 'b', 'c']) await submit('counter:Put', k, k);
  expect(JSON.parse(await evaluate('counter:Range', '', ''))).toEqual(['a', 'b', 'c']);
  expect(JSON.parse(await evaluate('counter:Range', 'a', 'c'))).toEqual(['a', 'b']);
});

test('range queries longer than one batch return every key in UTF-8 order', async () => {
  const keys = Array.from({ length: 230 }, (_, i) => `key-${String(i).padStart(3, '0')}`);
  // One block per 100 transactions keeps this quick.
  await Promise.all(keys.map((k) => submit('counter:Put', k, 'v')));
  expect(JSON.parse(await evaluate('counter:Range', 'key-', 'key.'))).toEqual(keys);
  // 230 transactions endorsed, validated and committed: about 1 s idle, 6 s on a third of one core.
}, 60_000);

test('history lists every change of a key, newest first (Fabric v2 order)', async () => {
  const t1 = await submit('counter:Put', 'h', 'one');
  const t2 = await submit('counter:Put', 'h', 'two');
  const t3 = await submit('counter:Delete', 'h');
  const history = JSON.parse(await evaluate('counter:History', 'h')) as {
    txId: string;
    isDelete: boolean;
    value: string;
  }[];
  expect(history.map((h) => [h.txId, h.isDelete, h.value])).toEqual([
    [t3.txId, true, ''],
    [t2.txId, false, 'two'],
    [t1.txId, false, 'one'],
  ]);
});

test('a wire-form LicenceError thrown by the chaincode is rethrown with its code', async () => {
  expect(await rejectionCode(submit('counter:Fail', 'NOT_FOUND'))).toBe('NOT_FOUND');
  expect(await rejectionCode(ledger.evaluate(ids.GuangdongMSP, 'counter:Fail', ['ILLEGAL_TRANSITION']))).toBe(
    'ILLEGAL_TRANSITION',
  );
});

test('any other chaincode failure is INTERNAL and changes nothing', async () => {
  const height = ledger.height();
  expect(await rejectionCode(submit('counter:Boom'))).toBe('INTERNAL');
  expect(await rejectionCode(submit('counter:NoSuchFunction'))).toBe('INTERNAL');
  expect(ledger.height()).toBe(height);
});

test('private data, invokeChaincode and writes after a paginated query are refused', async () => {
  expect(await rejectionCode(submit('counter:ReadPrivate'))).toBe('INTERNAL');
  expect(await rejectionCode(submit('counter:CallOther'))).toBe('INTERNAL');
  expect(await rejectionCode(submit('counter:PageThenWrite'))).toBe('INTERNAL');
  expect(await evaluate('counter:Get', 'after-page')).toBe('');
});
