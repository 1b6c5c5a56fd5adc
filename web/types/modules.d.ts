// What the signing app uses of the modules it does not type-check itself:
// the vendored libraries under web/vendor and the pages' shared proofs.js.
// Kept minimal: only the members the app calls.

type Bytes = Uint8Array<ArrayBuffer>;

declare module "qrcode" {
  interface QrCode {
    addData(text: string): void;
    make(): void;
    createDataURL(cellSize?: number, margin?: number): string;
  }
  export default function qrcode(typeNumber: number, errorCorrection: string): QrCode;
}

declare module "blake3" {
  export function blake3(data: Bytes): Bytes;
}

declare module "noble-ed25519" {
  export function signAsync(message: Bytes, seed: Bytes): Promise<Bytes>;
  export function getPublicKeyAsync(seed: Bytes): Promise<Bytes>;
  export function verifyAsync(sig: Bytes, message: Bytes, key: Bytes): Promise<boolean>;
}

declare module "proofs" {
  export const enc: TextEncoder;
  export const PREFIX: Bytes;
  export function b64(s: string): Bytes;
  export function b64encode(bytes: Bytes): string;
  export function hex(bytes: Bytes): string;
  export function concat(...parts: Bytes[]): Bytes;
  export function equal(a: Bytes, b: Bytes): boolean;
  export function sha256(bytes: Bytes): Promise<Bytes>;
  export class CannotCheck extends Error {}
  export function loadNoble(): Promise<typeof import("noble-ed25519")>;
  export function ed25519Verify(sig: Bytes, msg: Bytes, key: Bytes): Promise<boolean>;
  export function inclusionRoot(index: number, size: number, leafHash: Bytes, proof: Bytes[]): Promise<Bytes>;
  export function checkCheckpoint(note: string, origin: string, keyName: string, ledgerKey: Bytes): Promise<any>;
  export function checkLeaf(bytes: Bytes, index: number, cp: any, proof: any): Promise<any>;
  export function verifyConsistency(size1: number, size2: number, root1: Bytes, root2: Bytes, proof: Bytes[]): Promise<boolean>;
}
