/**
 * The holder's side (持证主体): my licences (by the holder ref in the access token), presenting one
 * as a short-lived token and QR code disclosing only the chosen fields, and who verified my licences
 * for what declared purpose (使用痕迹).
 */
import { LicenceError } from '@licence-ledger/domain';
import { createPresentation, renderQr } from '../presentation';
import type { ProvinceContext } from './context';
import type { LicenceTypeCache } from './licence-types';
import { listItem, type LicenceListItem } from './licences';
import type { StoredLicence } from '../storage/licences';
import type { KeysetPage, Paged } from '../storage/rows';
import type { VerificationEntry } from '../storage/verification-log';

/** A licence as its holder sees it: the list form plus the content. */
export interface HolderLicence extends LicenceListItem {
  readonly fields: StoredLicence['fields'];
}

/** A presentation with its QR code. */
export interface PresentationOutcome {
  readonly token: string;
  readonly jti: string;
  readonly expiresAt: string;
  /** Token length in bytes. */
  readonly bytes: number;
  readonly disclosed: readonly string[];
  /** PNG as a data: URL, and SVG markup. */
  readonly qr: { readonly png: string; readonly svg: string };
}

/** Most licences consulted for the verification list. */
const MAX_HOLDER_LICENCES = 500;

/** Holder operations for one province. */
export class HolderService {
  constructor(
    private readonly ctx: ProvinceContext,
    private readonly types: LicenceTypeCache,
  ) {}

  /** A page of the holder's licences, newest first. */
  async myLicences(holderRef: string, page: KeysetPage): Promise<Paged<HolderLicence>> {
    const rows = await this.ctx.store.licences.listByHolder(holderRef, page);
    // Pending and failed issuances are not licences yet (or ever); the page may then be shorter.
    const issued = rows.items.filter((row) => row.state === 'issued');
    return { items: issued.map((row) => ({ ...listItem(row), fields: row.fields })), next: rows.next };
  }

  /** Signs a presentation of one of the holder's licences disclosing `disclose`, with its QR code. */
  async present(
    holderRef: string,
    licenceId: string,
    disclose: readonly string[],
  ): Promise<PresentationOutcome> {
    const row = await this.ctx.store.licences.get(licenceId);
    // Another holder's licence looks exactly like a missing one.
    if (row === undefined || row.state !== 'issued' || row.holderRef !== holderRef) {
      throw new LicenceError('NOT_FOUND', 'you hold no licence with this identifier', { id: licenceId });
    }
    const licence = await this.ctx.ledger.admin.readLicence(licenceId);
    if (licence === null)
      throw new LicenceError('NOT_FOUND', 'the licence is not on the ledger', { id: licenceId });
    const key = this.ctx.keys.active(row.agency);
    const presentation = await createPresentation({
      licence,
      licenceType: await this.types.get(licence.typeCode),
      fields: row.fields,
      salts: row.salts,
      disclose,
      key: { kid: key.kid, privateKey: key.privateKey },
      ttlSeconds: this.ctx.config.presentationTtlSeconds,
      now: this.ctx.clock(),
    });
    const [png, svg] = await Promise.all([
      renderQr(presentation.token, 'png'),
      renderQr(presentation.token, 'svg'),
    ]);
    return {
      token: presentation.token,
      jti: presentation.jti,
      expiresAt: presentation.expiresAt,
      bytes: presentation.bytes,
      disclosed: [...disclose],
      qr: { png: `data:image/png;base64,${png.toString('base64')}`, svg },
    };
  }

  /**
   * Verifications of the holder's licences logged at this gateway, newest first (the holder's most
   * recent MAX_HOLDER_LICENCES licences are consulted).
   */
  async myVerifications(holderRef: string, page: KeysetPage): Promise<Paged<VerificationEntry>> {
    const ids: string[] = [];
    let after: KeysetPage['after'];
    do {
      const rows = await this.ctx.store.licences.listByHolder(holderRef, {
        limit: 100,
        ...(after === undefined ? {} : { after }),
      });
      ids.push(...rows.items.filter((r) => r.state === 'issued').map((r) => r.id));
      after = rows.next;
    } while (after !== undefined && ids.length < MAX_HOLDER_LICENCES);
    if (ids.length === 0) return { items: [], next: undefined };
    return this.ctx.store.verifications.listByLicences(ids, page);
  }
}
