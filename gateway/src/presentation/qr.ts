/** QR rendering of presentation tokens (PNG for apps, SVG for web pages). */
import QRCode from 'qrcode';

/** What a token's QR code looks like. */
export interface QrInfo {
  /** QR version (1..40): the symbol is 17 + 4·version modules wide. */
  readonly version: number;
  readonly errorCorrectionLevel: 'M' | 'L';
  readonly modules: number;
}

/** The error correction level used: M, or L when the token does not fit at M. */
function levelFor(token: string): 'M' | 'L' {
  try {
    QRCode.create(token, { errorCorrectionLevel: 'M' });
    return 'M';
  } catch {
    return 'L';
  }
}

/** The QR version and level chosen for `token` (byte mode, smallest version that fits). */
export function qrInfo(token: string): QrInfo {
  const errorCorrectionLevel = levelFor(token);
  const qr = QRCode.create(token, { errorCorrectionLevel });
  return { version: qr.version, errorCorrectionLevel, modules: qr.modules.size };
}

/** Renders `token` as a PNG image. */
export function renderQr(token: string, format: 'png'): Promise<Buffer>;
/** Renders `token` as an SVG document. */
export function renderQr(token: string, format: 'svg'): Promise<string>;
/** Renders `token` as a QR code in the given format. */
export function renderQr(token: string, format: 'png' | 'svg'): Promise<Buffer | string>;
export async function renderQr(token: string, format: 'png' | 'svg'): Promise<Buffer | string> {
  const errorCorrectionLevel = levelFor(token);
  if (format === 'svg') return QRCode.toString(token, { type: 'svg', errorCorrectionLevel, margin: 4 });
  return QRCode.toBuffer(token, { type: 'png', errorCorrectionLevel, margin: 4, scale: 4 });
}
