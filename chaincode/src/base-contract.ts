/**
 * Behaviour shared by both contracts: errors cross the Fabric boundary in wire form, and an unknown
 * transaction name is a typed INVALID_ARGUMENT rather than a prose message.
 */
import { Contract } from 'fabric-contract-api';
import type { Context } from 'fabric-contract-api';
import { LicenceError } from '@licence-ledger/domain';
import { toFabricError } from './errors';

type TxFunction = Parameters<Contract['aroundTransaction']>[1];

/** Base class of the licence-ledger contracts. */
export abstract class BaseContract extends Contract {
  /** Runs the transaction function and rethrows any failure as a wire-form LicenceError. */
  override async aroundTransaction(ctx: Context, fn: TxFunction, parameters: unknown): Promise<void> {
    try {
      return await super.aroundTransaction(ctx, fn, parameters);
    } catch (error) {
      throw toFabricError(error);
    }
  }

  /** A transaction name this contract does not define. */
  override unknownTransaction(ctx: Context): Promise<void> {
    const { fcn } = ctx.stub.getFunctionAndParameters();
    const error = new LicenceError('INVALID_ARGUMENT', `unknown transaction '${fcn.slice(0, 100)}'`, {
      contract: this.getName(),
    });
    return Promise.reject(toFabricError(error));
  }
}
