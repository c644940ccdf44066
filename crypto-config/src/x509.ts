/**
 * The single entry to @peculiar/x509. Its ASN.1 layer uses decorators that need the Reflect
 * metadata polyfill loaded first, so every module imports the library through here.
 */
import 'reflect-metadata';

export * from '@peculiar/x509';
