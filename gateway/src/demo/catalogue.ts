/**
 * The demo's licence type catalogue, provinces and agencies. The type codes are short readable
 * codes chosen for the demo (pinyin initials), not entries of the national catalogue.
 */
import type { LicenceTypeInput } from '@licence-ledger/domain';

/** 机动车驾驶证: a person's driving licence. */
export const DRIVING_LICENCE: LicenceTypeInput = {
  code: 'JDCJSZ',
  name: '机动车驾驶证',
  holderKind: 'person',
  nationallyRecognised: true,
  fields: [
    { name: 'name', type: 'string', required: true, maxLength: 50, personal: true, label: '姓名' },
    {
      name: 'idNo',
      type: 'string',
      required: true,
      maxLength: 18,
      personal: true,
      holderId: true,
      label: '身份证号',
    },
    {
      name: 'class',
      type: 'string',
      required: true,
      maxLength: 16,
      pattern: '(A1|A2|A3|B1|B2|C1|C2|C3|C4|C5|C6|D|E|F|M|N|P)+',
      examples: ['C1', 'C1E', 'A2D'],
      personal: false,
      label: '准驾车型',
    },
    { name: 'firstIssued', type: 'date', required: true, personal: false, label: '初次领证日期' },
    { name: 'points', type: 'integer', required: false, personal: false, label: '累积记分' },
  ],
};

/** 食品经营许可证: an organisation's food business permit. */
export const FOOD_PERMIT: LicenceTypeInput = {
  code: 'SPJYXKZ',
  name: '食品经营许可证',
  holderKind: 'organisation',
  nationallyRecognised: true,
  fields: [
    {
      name: 'operator',
      type: 'string',
      required: true,
      maxLength: 100,
      personal: false,
      label: '经营者名称',
    },
    {
      name: 'uscc',
      type: 'string',
      required: true,
      maxLength: 18,
      personal: false,
      holderId: true,
      label: '社会信用代码',
    },
    { name: 'legalRep', type: 'string', required: true, maxLength: 50, personal: true, label: '法定代表人' },
    { name: 'address', type: 'string', required: true, maxLength: 200, personal: false, label: '经营场所' },
    { name: 'category', type: 'string', required: true, maxLength: 100, personal: false, label: '主体业态' },
    { name: 'scope', type: 'string', required: false, maxLength: 300, personal: false, label: '经营项目' },
    { name: 'chainStore', type: 'boolean', required: false, personal: false, label: '连锁经营' },
  ],
};

/** Every licence type the demo bootstraps. */
export const DEMO_LICENCE_TYPES: readonly LicenceTypeInput[] = [DRIVING_LICENCE, FOOD_PERMIT];

/** A demo agency. */
export interface DemoAgency {
  readonly uscc: string;
  readonly name: string;
  readonly licenceTypes: readonly string[];
}

/** A demo province with its agencies. */
export interface DemoProvince {
  readonly key: 'guangdong' | 'zhejiang' | 'beijing';
  readonly code: string;
  readonly mspId: string;
  readonly name: string;
  readonly agencies: readonly DemoAgency[];
}

/** The three demo provinces (shared facts of the project). */
export const DEMO_PROVINCES: readonly DemoProvince[] = [
  {
    key: 'guangdong',
    code: '440000',
    mspId: 'GuangdongMSP',
    name: '广东省',
    agencies: [
      { uscc: '11440000MB2C93756J', name: '广东省公安厅交通管理局', licenceTypes: [DRIVING_LICENCE.code] },
      { uscc: '11440100MB2D15098D', name: '广州市市场监督管理局', licenceTypes: [FOOD_PERMIT.code] },
    ],
  },
  {
    key: 'zhejiang',
    code: '330000',
    mspId: 'ZhejiangMSP',
    name: '浙江省',
    agencies: [
      { uscc: '11330000MB1F22343T', name: '浙江省公安厅交通警察总队', licenceTypes: [DRIVING_LICENCE.code] },
      { uscc: '11330100MB1K50876U', name: '杭州市市场监督管理局', licenceTypes: [FOOD_PERMIT.code] },
    ],
  },
  {
    key: 'beijing',
    code: '110000',
    mspId: 'BeijingMSP',
    name: '北京市',
    agencies: [
      {
        uscc: '11110000MB0A33215E',
        name: '北京市公安局公安交通管理局',
        licenceTypes: [DRIVING_LICENCE.code],
      },
      { uscc: '11110105MB1E72869P', name: '北京市朝阳区市场监督管理局', licenceTypes: [FOOD_PERMIT.code] },
    ],
  },
];
