/** GB/T 2260 codes of China's 34 provincial-level administrative divisions. */
import { fail } from './errors';

/** Names of a provincial-level division: official Chinese name, short Chinese name, English name. */
export interface ProvinceName {
  readonly zh: string;
  readonly zhShort: string;
  readonly en: string;
}

const p = (zh: string, zhShort: string, en: string): ProvinceName => Object.freeze({ zh, zhShort, en });

/** The 34 provincial-level GB/T 2260 codes (110000 北京市 … 820000 澳门特别行政区). */
export const PROVINCE_CODES: Readonly<Record<string, ProvinceName>> = Object.freeze({
  '110000': p('北京市', '北京', 'Beijing'),
  '120000': p('天津市', '天津', 'Tianjin'),
  '130000': p('河北省', '河北', 'Hebei'),
  '140000': p('山西省', '山西', 'Shanxi'),
  '150000': p('内蒙古自治区', '内蒙古', 'Inner Mongolia'),
  '210000': p('辽宁省', '辽宁', 'Liaoning'),
  '220000': p('吉林省', '吉林', 'Jilin'),
  '230000': p('黑龙江省', '黑龙江', 'Heilongjiang'),
  '310000': p('上海市', '上海', 'Shanghai'),
  '320000': p('江苏省', '江苏', 'Jiangsu'),
  '330000': p('浙江省', '浙江', 'Zhejiang'),
  '340000': p('安徽省', '安徽', 'Anhui'),
  '350000': p('福建省', '福建', 'Fujian'),
  '360000': p('江西省', '江西', 'Jiangxi'),
  '370000': p('山东省', '山东', 'Shandong'),
  '410000': p('河南省', '河南', 'Henan'),
  '420000': p('湖北省', '湖北', 'Hubei'),
  '430000': p('湖南省', '湖南', 'Hunan'),
  '440000': p('广东省', '广东', 'Guangdong'),
  '450000': p('广西壮族自治区', '广西', 'Guangxi'),
  '460000': p('海南省', '海南', 'Hainan'),
  '500000': p('重庆市', '重庆', 'Chongqing'),
  '510000': p('四川省', '四川', 'Sichuan'),
  '520000': p('贵州省', '贵州', 'Guizhou'),
  '530000': p('云南省', '云南', 'Yunnan'),
  '540000': p('西藏自治区', '西藏', 'Xizang'),
  '610000': p('陕西省', '陕西', 'Shaanxi'),
  '620000': p('甘肃省', '甘肃', 'Gansu'),
  '630000': p('青海省', '青海', 'Qinghai'),
  '640000': p('宁夏回族自治区', '宁夏', 'Ningxia'),
  '650000': p('新疆维吾尔自治区', '新疆', 'Xinjiang'),
  '710000': p('台湾省', '台湾', 'Taiwan'),
  '810000': p('香港特别行政区', '香港', 'Hong Kong'),
  '820000': p('澳门特别行政区', '澳门', 'Macao'),
});

/** Returns `value` when it is one of the 34 provincial-level codes; otherwise throws INVALID_PROVINCE_CODE. */
export function validateProvinceCode(value: unknown): string {
  if (typeof value !== 'string' || !/^[0-9]{6}$/.test(value)) {
    fail('INVALID_PROVINCE_CODE', 'a province code is six digits, e.g. 440000', { reason: 'format' });
  }
  if (!Object.hasOwn(PROVINCE_CODES, value)) {
    fail('INVALID_PROVINCE_CODE', `${value} is not a GB/T 2260 provincial-level code`, { reason: 'unknown' });
  }
  return value;
}

/** True when `value` is one of the 34 provincial-level codes. */
export function isValidProvinceCode(value: unknown): boolean {
  return typeof value === 'string' && /^[0-9]{6}$/.test(value) && Object.hasOwn(PROVINCE_CODES, value);
}
