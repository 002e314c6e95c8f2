/** One Server-Sent Events frame: the event's name and its data as one JSON line. Pure. */
export function sseFrame(event: string, data: unknown): string {
  // JSON.stringify never emits a raw newline, so the data is always one `data:` line.
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
