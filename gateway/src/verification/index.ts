/** Verification of presentation tokens, always answering with a result code and a signed receipt. */
export * from './result';
export * from './ports';
export * from './verifier';
export * from './registry-cache';
export { parseHeader, parseClaims } from './token';
