/**
 * Recognition rules (互认规则): how a province treats licences of a type issued elsewhere. Every
 * publication is a new version; ending or narrowing recognition needs the consortium's notice period.
 */
import type { Context } from 'fabric-contract-api';
import { fail } from '@licence-ledger/domain';
import type { RecognitionRule, RecognitionRuleInput } from '@licence-ledger/domain';
import type { MemberCaller } from './access';
import { isoOf, millisOf, txMillis, txTime } from './clock';
import type { Store } from './store';

/** How far before the transaction time a rule may start (client clock skew), in milliseconds. */
export const BACKDATE_TOLERANCE_MS = 5 * 60 * 1000;

/** Publishes the next version of the caller province's rule for `input.typeCode`. */
export async function publishRule(
  ctx: Context,
  store: Store,
  caller: MemberCaller,
  input: RecognitionRuleInput,
): Promise<RecognitionRule> {
  const consortium = await store.getConsortium();
  if (consortium === undefined) fail('NOT_FOUND', 'the consortium is not bootstrapped');
  if ((await store.getLicenceType(input.typeCode)) === undefined) {
    fail('LICENCE_TYPE_UNKNOWN', 'the licence type is not in the catalogue', { typeCode: input.typeCode });
  }
  if (
    input.localEquivalentType !== undefined &&
    (await store.getLicenceType(input.localEquivalentType)) === undefined
  ) {
    fail('LICENCE_TYPE_UNKNOWN', 'the local equivalent type is not in the catalogue', {
      typeCode: input.localEquivalentType,
    });
  }
  for (const msp of input.issuingMsps) {
    if (msp !== '*' && (await store.getProvince(msp)) === undefined) {
      fail('NOT_FOUND', 'an issuing province is not a member', { mspId: msp });
    }
  }
  const now = txMillis(ctx);
  if (millisOf(input.effectiveFrom) < now - BACKDATE_TOLERANCE_MS) {
    fail('INVALID_ARGUMENT', 'a rule cannot take effect in the past', { effectiveFrom: input.effectiveFrom });
  }
  const version = (await store.ruleHeadVersion(caller.mspId, input.typeCode)) + 1;
  const previous =
    version > 1 ? await store.getRuleVersion(caller.mspId, input.typeCode, version - 1) : undefined;
  const noticeEnd = now + consortium.recognitionNoticeSeconds * 1000;
  if (input.effectiveTo !== undefined && millisOf(input.effectiveTo) < noticeEnd) {
    fail('NOTICE_PERIOD', 'recognition can end only after the notice period', { earliest: isoOf(noticeEnd) });
  }
  if (previous !== undefined && removesIssuer(previous.issuingMsps, input.issuingMsps)) {
    if (millisOf(input.effectiveFrom) < noticeEnd) {
      fail('NOTICE_PERIOD', 'narrowing recognition takes effect only after the notice period', {
        earliest: isoOf(noticeEnd),
      });
    }
  }
  const rule: RecognitionRule = {
    docType: 'recognitionRule',
    ...input,
    recognisingMsp: caller.mspId,
    version,
    publishedAt: txTime(ctx),
  };
  await store.putRuleVersion(rule);
  return rule;
}

/** True when `next` recognises fewer issuing provinces than `previous`. */
export function removesIssuer(previous: readonly string[], next: readonly string[]): boolean {
  if (next.includes('*')) return false;
  if (previous.includes('*')) return true;
  return previous.some((msp) => !next.includes(msp));
}
