/**
 * Licence operations other than creation: status changes (suspend, reinstate, revoke, annul,
 * cancel, other, expire), transfers out and their cancellation, reads, history and the issuer's own
 * list. Every change is authorised per object before it reaches the ledger, which checks it again.
 */
import { LicenceError } from '@licence-ledger/domain';
import type { HistoryEntry, LicenceFields, LicenceRecord, StatusCode } from '@licence-ledger/domain';
import type { Principal } from '../auth/principal';
import type { ProvinceContext } from './context';
import { mayReadFull, requireOwnProvince, writerFor } from './access';
import type { AgencyLicenceFilter, StoredLicence } from '../storage/licences';
import type { KeysetPage, Paged } from '../storage/rows';

/** Actions a status change request may name (the others have their own endpoints). */
export const STATUS_CHANGE_ACTIONS = [
  'suspend',
  'reinstate',
  'revoke',
  'annul',
  'cancel',
  'other',
  'expire',
] as const;
/** An action the status endpoint accepts. */
export type StatusChangeAction = (typeof STATUS_CHANGE_ACTIONS)[number];

/** A status change as the API receives it. */
export interface StatusChangeInput {
  readonly action: StatusChangeAction;
  readonly reasonCode: string;
  readonly reasonText: string;
}

/** A committed change and the record after it. */
export interface ChangeOutcome {
  readonly licence: LicenceRecord;
  readonly txId: string;
  readonly blockNumber: number;
}

/** The full view of a licence for its issuing agency or province admin. */
export interface LicenceView {
  readonly licence: LicenceRecord;
  /** Content held by this province (absent when this gateway has no local row). */
  readonly fields?: LicenceFields;
}

/** One row of an agency's list. */
export interface LicenceListItem {
  readonly id: string;
  readonly typeCode: string;
  readonly issuerUscc: string;
  readonly status: StatusCode | null;
  readonly validFrom: string;
  readonly validUntil: string | null;
  readonly createdAt: string;
}

/** Licence operations for one province. */
export class LicenceService {
  constructor(
    private readonly ctx: ProvinceContext,
    /**
     * Told of every licence this service changed, once the change is committed, so this gateway's
     * own caches drop the record at once instead of when the block's event arrives.
     */
    private readonly changed: (licenceId: string) => void = () => undefined,
  ) {}

  /** Applies a status change by the transition table. */
  async changeStatus(principal: Principal, id: string, input: StatusChangeInput): Promise<ChangeOutcome> {
    const record = await this.existing(id);
    const client = writerFor(this.ctx, principal, record);
    if (input.action === 'other' && input.reasonText.trim() === '') {
      throw new LicenceError('SCHEMA_VIOLATION', "status 99 'other' needs a reason text", {
        path: '/reasonText',
      });
    }
    const { value, txId, blockNumber } = await client.changeStatus({
      id,
      action: input.action,
      reasonCode: input.reasonCode,
      reasonText: input.reasonText,
    });
    this.changed(id);
    this.ctx.logger.info({ licenceId: id, action: input.action, txId }, 'licence status changed');
    return { licence: value, txId, blockNumber };
  }

  /** Starts a transfer of a licence to another province. */
  async transferOut(
    principal: Principal,
    id: string,
    input: { readonly toMsp: string; readonly reasonCode: string; readonly reasonText: string },
  ): Promise<ChangeOutcome> {
    const record = await this.existing(id);
    const client = writerFor(this.ctx, principal, record);
    const { value, txId, blockNumber } = await client.transferOut({ id, ...input });
    this.changed(id);
    return { licence: value, txId, blockNumber };
  }

  /** Withdraws a pending transfer. */
  async cancelTransfer(principal: Principal, id: string): Promise<ChangeOutcome> {
    const record = await this.existing(id);
    const client = writerFor(this.ctx, principal, record);
    const { value, txId, blockNumber } = await client.cancelTransfer(id);
    this.changed(id);
    return { licence: value, txId, blockNumber };
  }

  /** The ledger record (and local content) of a licence this province issued, for its agency or admin. */
  async read(principal: Principal, id: string): Promise<LicenceView> {
    const record = await this.existing(id);
    if (!mayReadFull(this.ctx, principal, record)) {
      throw new LicenceError(
        'ACCESS_DENIED',
        'only the issuing agency or its province may read this licence',
        {
          id,
        },
      );
    }
    const row = await this.ctx.store.licences.get(id);
    return row === undefined ? { licence: record } : { licence: record, fields: row.fields };
  }

  /** Every committed version of a licence, oldest first, for its agency or province admin. */
  async history(principal: Principal, id: string): Promise<HistoryEntry<LicenceRecord>[]> {
    await this.read(principal, id);
    const entries = await this.ctx.ledger.admin.getLicenceHistory(id);
    // Fabric returns key history newest first; the API promises oldest first.
    return [...entries].sort(
      (x, y) => (x.value?.revision ?? 0) - (y.value?.revision ?? 0) || x.timestamp.localeCompare(y.timestamp),
    );
  }

  /**
   * The local list of an agency's licences: an issuer sees its own agency's, a province admin any
   * agency's of the province (`agencyUscc` required then).
   */
  async list(
    principal: Principal,
    page: KeysetPage,
    filter: AgencyLicenceFilter & { readonly agencyUscc?: string } = {},
  ): Promise<Paged<LicenceListItem>> {
    requireOwnProvince(this.ctx, principal);
    const { agencyUscc, ...rest } = filter;
    let agency: string | undefined;
    if (principal.role === 'issuer') {
      if (agencyUscc !== undefined && agencyUscc !== principal.agency) {
        throw new LicenceError('ACCESS_DENIED', "an issuer lists only its own agency's licences");
      }
      agency = principal.agency;
    } else if (principal.role === 'admin') {
      if (agencyUscc === undefined) {
        throw new LicenceError('INVALID_ARGUMENT', 'name the agency: ?agency=<USCC>', {
          parameter: 'agency',
        });
      }
      agency = agencyUscc;
    }
    if (agency === undefined) {
      throw new LicenceError('ACCESS_DENIED', 'only issuers and administrators list licences', {
        role: principal.role,
      });
    }
    const rows = await this.ctx.store.licences.listByAgency(agency, page, rest);
    return { items: rows.items.map(listItem), next: rows.next };
  }

  private async existing(id: string): Promise<LicenceRecord> {
    const record = await this.ctx.ledger.admin.readLicence(id);
    if (record === null) throw new LicenceError('NOT_FOUND', 'no licence with this identifier', { id });
    return record;
  }
}

/** The list form of a local licence row (no content). */
export function listItem(row: StoredLicence): LicenceListItem {
  return {
    id: row.id,
    typeCode: row.typeCode,
    issuerUscc: row.agency,
    status: row.status,
    validFrom: row.validFrom,
    validUntil: row.validUntil,
    createdAt: row.createdAt,
  };
}
