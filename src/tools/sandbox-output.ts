// Sandbox output cap ("Workshop"): keeps the head and the tail of a stream within a byte budget, marking the cut.
import { StringDecoder } from 'node:string_decoder';

/**
 * Collects one output stream. Past `limit` bytes it keeps the first and the last half of the budget — the tail is
 * where compilers and test runners print the error — and `text()` marks how much was dropped in between.
 */
export class OutputCapture {
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private dropped = 0;

  constructor(private readonly limit: number) {}

  get truncated(): boolean {
    return this.dropped > 0;
  }

  push(chunk: Buffer | string): void {
    let data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const headRoom = Math.ceil(this.limit / 2) - this.headBytes;
    if (headRoom > 0) {
      const take = data.subarray(0, headRoom);
      this.head.push(take);
      this.headBytes += take.length;
      data = data.subarray(take.length);
      if (data.length === 0) return;
    }
    this.tail.push(data);
    this.tailBytes += data.length;
    const tailLimit = Math.floor(this.limit / 2);
    if (this.tailBytes > tailLimit * 2) this.trimTail(tailLimit);
  }

  private trimTail(keep: number): void {
    const all = Buffer.concat(this.tail);
    const cut = all.length - keep;
    if (cut <= 0) return;
    this.dropped += cut;
    this.tail = [all.subarray(cut)];
    this.tailBytes = keep;
  }

  text(): string {
    this.trimTail(Math.floor(this.limit / 2));
    if (this.dropped === 0) return Buffer.concat([...this.head, ...this.tail]).toString('utf8');
    // Cut points may split a multi-byte character; the decoders turn the halves into replacement characters.
    const headDecoder = new StringDecoder('utf8');
    const head = headDecoder.write(Buffer.concat(this.head)) + headDecoder.end();
    const tail = new StringDecoder('utf8').write(Buffer.concat(this.tail));
    return `${head}\n[… ${this.dropped} bytes of output truncated by office …]\n${tail}`;
  }
}
