/** Presentation (亮证): short-lived signed tokens disclosing chosen fields, and their QR codes. */
export * from './format';
export * from './lid';
export * from './create';
export * from './qr';
