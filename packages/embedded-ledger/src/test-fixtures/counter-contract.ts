/** Test-only contract exercising every ledger feature the embedded ledger must reproduce. */
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { KeyEndorsementPolicy } from 'fabric-shim';
import { LicenceError, isErrorCode } from '@licence-ledger/domain';

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

/** Counters, items under composite keys, owned keys and events. */
@Info({ title: 'CounterContract', description: 'embedded-ledger test fixture' })
export class CounterContract extends Contract {
  constructor() {
    super('counter');
  }

  @Transaction()
  async Put(ctx: Context, key: string, value: string): Promise<void> {
    await ctx.stub.putState(key, Buffer.from(value));
  }

  @Transaction(false)
  @Returns('string')
  async Get(ctx: Context, key: string): Promise<string> {
    return text(await ctx.stub.getState(key));
  }

  @Transaction()
  async Delete(ctx: Context, key: string): Promise<void> {
    await ctx.stub.deleteState(key);
  }

  /** Writes then reads the same key: Fabric returns the committed value, not the write. */
  @Transaction()
  @Returns('string')
  async PutThenGet(ctx: Context, key: string, value: string): Promise<string> {
    await ctx.stub.putState(key, Buffer.from(value));
    return text(await ctx.stub.getState(key));
  }

  @Transaction()
  @Returns('string')
  async Increment(ctx: Context, key: string): Promise<string> {
    const current = Number(text(await ctx.stub.getState(key)) || '0');
    const next = String(current + 1);
    await ctx.stub.putState(key, Buffer.from(next));
    ctx.stub.setEvent('Incremented', Buffer.from(JSON.stringify({ key, value: next })));
    return next;
  }

  @Transaction()
  async PutItem(ctx: Context, type: string, id: string, value: string): Promise<void> {
    await ctx.stub.putState(ctx.stub.createCompositeKey('item', [type, id]), Buffer.from(value));
  }

  /** One page of items of a type, with Fabric's bookmark. */
  @Transaction(false)
  @Returns('string')
  async ListItems(ctx: Context, type: string, pageSize: string, bookmark: string): Promise<string> {
    const { iterator, metadata } = await ctx.stub.getStateByPartialCompositeKeyWithPagination(
      'item',
      [type],
      Number(pageSize),
      bookmark,
    );
    const items: string[][] = [];
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
      const { attributes } = ctx.stub.splitCompositeKey(r.value.key);
      items.push([...attributes, text(r.value.value)]);
    }
    await iterator.close();
    return JSON.stringify({ items, bookmark: metadata.bookmark, count: metadata.fetchedRecordsCount });
  }

  @Transaction(false)
  @Returns('string')
  async ListAllItems(ctx: Context, type: string): Promise<string> {
    const ids: string[] = [];
    for await (const kv of ctx.stub.getStateByPartialCompositeKey('item', type === '' ? [] : [type])) {
      ids.push(ctx.stub.splitCompositeKey(kv.key).attributes.join('/'));
    }
    return JSON.stringify(ids);
  }

  @Transaction(false)
  @Returns('string')
  async Range(ctx: Context, start: string, end: string): Promise<string> {
    const keys: string[] = [];
    for await (const kv of ctx.stub.getStateByRange(start, end)) keys.push(kv.key);
    return JSON.stringify(keys);
  }

  /** Counts keys in a range and records the count: invalid if the range changes before commit. */
  @Transaction()
  @Returns('string')
  async CountRange(ctx: Context, start: string, end: string, target: string): Promise<string> {
    let count = 0;
    for await (const _kv of ctx.stub.getStateByRange(start, end)) count++;
    await ctx.stub.putState(target, Buffer.from(String(count)));
    return String(count);
  }

  /** Writes a key and restricts its future changes to the given organisations (key-level endorsement). */
  @Transaction()
  async Own(ctx: Context, key: string, value: string, orgs: string): Promise<void> {
    await ctx.stub.putState(key, Buffer.from(value));
    const policy = new KeyEndorsementPolicy();
    policy.addOrgs('PEER', ...(JSON.parse(orgs) as string[]));
    await ctx.stub.setStateValidationParameter(key, policy.getPolicy());
  }

  @Transaction(false)
  @Returns('string')
  async Owners(ctx: Context, key: string): Promise<string> {
    const ep = await ctx.stub.getStateValidationParameter(key);
    return JSON.stringify(ep ? new KeyEndorsementPolicy(ep).listOrgs() : []);
  }

  /** Sets several events; only the last one may survive. */
  @Transaction()
  async Emit(ctx: Context, names: string): Promise<void> {
    await ctx.stub.putState('emitted', Buffer.from(names));
    for (const name of names.split(',')) ctx.stub.setEvent(name, Buffer.from(`payload of ${name}`));
  }

  @Transaction(false)
  @Returns('string')
  async History(ctx: Context, key: string): Promise<string> {
    const out: { txId: string; isDelete: boolean; value: string; seconds: string }[] = [];
    for await (const h of ctx.stub.getHistoryForKey(key)) {
      out.push({
        txId: h.txId,
        isDelete: h.isDelete,
        value: text(h.value),
        seconds: String(h.timestamp.seconds),
      });
    }
    return JSON.stringify(out);
  }

  @Transaction(false)
  @Returns('string')
  async WhoAmI(ctx: Context): Promise<string> {
    const ts = ctx.stub.getTxTimestamp();
    return Promise.resolve(
      JSON.stringify({
        mspId: ctx.clientIdentity.getMSPID(),
        id: ctx.clientIdentity.getID(),
        role: ctx.clientIdentity.getAttributeValue('ll.role'),
        province: ctx.clientIdentity.getAttributeValue('ll.province'),
        creatorMsp: ctx.stub.getCreator().mspid,
        peerMsp: ctx.stub.getMspID(),
        txId: ctx.stub.getTxID(),
        channel: ctx.stub.getChannelID(),
        seconds: ts.seconds.toNumber(),
        nanos: ts.nanos,
        date: ctx.stub.getDateTimestamp().toISOString(),
        args: ctx.stub.getStringArgs(),
        fn: ctx.stub.getFunctionAndParameters().fcn,
        transient: ctx.stub.getTransient().size,
        binding: ctx.stub.getBinding(),
      }),
    );
  }

  /** Throws a project error in its wire form, as the real chaincode does. */
  @Transaction()
  async Fail(_ctx: Context, code: string): Promise<void> {
    if (!isErrorCode(code)) throw new Error(`not an error code: ${code}`);
    return Promise.reject(
      new Error(new LicenceError(code, 'requested failure', { reason: 'test' }).toWire()),
    );
  }

  @Transaction()
  async Boom(_ctx: Context): Promise<void> {
    return Promise.reject(new Error('plain failure'));
  }

  /** Fabric refuses writes after a paginated query in the same transaction. */
  @Transaction()
  async PageThenWrite(ctx: Context): Promise<void> {
    const { iterator } = await ctx.stub.getStateByRangeWithPagination('', '', 10, '');
    await iterator.close();
    await ctx.stub.putState('after-page', Buffer.from('x'));
  }

  @Transaction()
  async ReadPrivate(ctx: Context): Promise<void> {
    await ctx.stub.getPrivateData('collection', 'key');
  }

  @Transaction()
  async CallOther(ctx: Context): Promise<void> {
    await ctx.stub.invokeChaincode('other', ['fn'], '');
  }
}
