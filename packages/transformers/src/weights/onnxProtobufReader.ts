import { inseqError } from "@inseqjs/core";

/** Protobuf wire types. */
export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH_DELIMITED = 2;
export const WIRE_FIXED32 = 5;

/** One field of a protobuf message: its number, wire type and where its value lies. */
export interface ProtoField {
  readonly field: number;
  readonly wireType: number;
  /** Varint value (wire type 0), exact up to 2^53. */
  readonly varint?: number;
  /** Start and end (exclusive) of the bytes of a length-delimited (2), fixed32 (5) or fixed64 (1) value. */
  readonly start: number;
  readonly end: number;
}

/**
 * A bounds-checked reader of protobuf wire format over `bytes[start, end)`: every read stays inside the range, and
 * malformed input (truncated varints, lengths past the end, group wire types) is a `MALFORMED_FILE` error naming
 * `what` and the byte offset.
 */
export class ProtobufReader {
  private pos: number;

  constructor(
    readonly bytes: Uint8Array,
    readonly what: string,
    readonly start = 0,
    readonly end = bytes.length,
  ) {
    if (start < 0 || end > bytes.length || start > end) this.fail(`a message range [${start}, ${end}) outside the ${bytes.length} bytes`, start);
    this.pos = start;
  }

  /** Throws the `MALFORMED_FILE` error for `problem` at `offset`. */
  fail(problem: string, offset = this.pos): never {
    throw inseqError("MALFORMED_FILE", `${this.what} is not a valid ONNX protobuf file (${problem} at byte ${offset}). Re-download the file, or export the model again.`);
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** An unsigned varint (up to 10 bytes); values above 2^53 lose precision, negatives (10-byte) come out huge. */
  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail("a truncated varint");
      const b = this.bytes[this.pos++];
      value += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return value;
      scale *= 128;
    }
    return this.fail("a varint longer than 10 bytes");
  }

  /** The next field, with the reader moved past its value. */
  next(): ProtoField {
    const at = this.pos;
    const key = this.varint();
    const field = Math.floor(key / 8);
    const wireType = key % 8;
    if (field === 0) this.fail("field number 0", at);
    switch (wireType) {
      case WIRE_VARINT:
        return { field, wireType, varint: this.varint(), start: this.pos, end: this.pos };
      case WIRE_FIXED64:
        return this.span(field, wireType, 8);
      case WIRE_FIXED32:
        return this.span(field, wireType, 4);
      case WIRE_LENGTH_DELIMITED:
        return this.span(field, wireType, this.varint());
      default:
        return this.fail(`unsupported wire type ${wireType} (field ${field})`, at);
    }
  }

  private span(field: number, wireType: number, length: number): ProtoField {
    const start = this.pos;
    if (length > this.end - start) this.fail(`a field ${field} of ${length} bytes past the end of its message (${this.end - start} left)`, start);
    this.pos = start + length;
    return { field, wireType, start, end: this.pos };
  }

  /** A reader over the bytes of a length-delimited field (an embedded message). */
  sub(f: ProtoField): ProtobufReader {
    if (f.wireType !== WIRE_LENGTH_DELIMITED) this.fail(`field ${f.field} is not a message (wire type ${f.wireType})`, f.start);
    return new ProtobufReader(this.bytes, this.what, f.start, f.end);
  }

  /** The UTF-8 string of a length-delimited field. */
  string(f: ProtoField): string {
    if (f.wireType !== WIRE_LENGTH_DELIMITED) this.fail(`field ${f.field} is not a string (wire type ${f.wireType})`, f.start);
    return new TextDecoder("utf-8").decode(this.bytes.subarray(f.start, f.end));
  }

  /** The integers of a repeated varint field: packed (one length-delimited field) or one value per field. */
  varints(f: ProtoField): number[] {
    if (f.wireType === WIRE_VARINT) return [f.varint!];
    if (f.wireType !== WIRE_LENGTH_DELIMITED) this.fail(`field ${f.field} is not a list of integers (wire type ${f.wireType})`, f.start);
    const r = new ProtobufReader(this.bytes, this.what, f.start, f.end);
    const out: number[] = [];
    while (!r.done) out.push(r.varint());
    return out;
  }

  /** The float32 values of a repeated float field: packed or one fixed32 per field. */
  floats(f: ProtoField): Float32Array {
    if (f.wireType !== WIRE_LENGTH_DELIMITED && f.wireType !== WIRE_FIXED32) this.fail(`field ${f.field} is not a list of floats (wire type ${f.wireType})`, f.start);
    const length = f.end - f.start;
    if (length % 4 !== 0) this.fail(`a packed float field of ${length} bytes (not a multiple of 4)`, f.start);
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + f.start, length);
    const out = new Float32Array(length / 4);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(4 * i, true);
    return out;
  }
}
