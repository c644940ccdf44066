/** The lifecycle suite against the real chaincode on the embedded ledger (three provinces). */
import { TX } from '@licence-ledger/domain';
import type { HistoryEntry, LicenceRecord } from '@licence-ledger/domain';
import { Consortium } from '../../chaincode/src/test-support';
import { describeLifecycle } from './lifecycle';

const HOME_AGENCY = '11440000MB2C93756J'; // Guangdong traffic police: issues driving licences
const FOREIGN_AGENCY = '11330000MB1F22343T'; // Zhejiang traffic police: same licence type, other province

describeLifecycle('embedded ledger', async () => {
  const consortium = await Consortium.start();
  let serial = 0;
  return {
    async issue() {
      serial += 1;
      const record = await consortium.issue(HOME_AGENCY, { serial: `LC${String(serial).padStart(6, '0')}` });
      return record.id;
    },
    read: (id) => consortium.read(id),
    async changeStatus(actor, request) {
      const issuer = consortium.issuer(actor === 'home' ? HOME_AGENCY : FOREIGN_AGENCY);
      await consortium.submit(issuer, TX.ChangeStatus, [request]);
    },
    async history(id) {
      const entries = await consortium.evaluate<HistoryEntry<LicenceRecord>[]>(
        consortium.province('GuangdongMSP').verifier,
        TX.GetLicenceHistory,
        [id],
      );
      // Fabric reports a key's history newest first; the suite reads it oldest first.
      return [...entries].reverse();
    },
    close: () => consortium.dispose(),
  };
});
