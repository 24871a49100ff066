/** SHA-256 in hex, in one call: the hash of raw files, cache keys, row keys and release files. */
import { hash } from 'node:crypto';

export const sha256Hex = (data: string | Uint8Array): string => hash('sha256', data, 'hex');
