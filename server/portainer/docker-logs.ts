/**
 * Decodes a Docker log stream into lines.
 *
 * Without a TTY, Docker multiplexes stdout and stderr: each frame is an 8-byte header
 * `[stream, 0, 0, 0, size (uint32 big-endian)]` followed by `size` bytes (stream 1 stdout, 2 stderr;
 * 0 stdin and 3 the daemon's own errors are read as stdout and stderr). Frames do not align with
 * lines: one frame may hold several lines, and a line may span frames, so bytes are collected per
 * stream and split on `\n` before UTF-8 decoding (a multi-byte character may span frames too).
 * With a TTY the body is the raw stream of stdout.
 *
 * With `timestamps=true` every line starts with an RFC 3339 timestamp and a space.
 */
import type { ServiceLogLine } from "./domain";

const MULTIPLEXED = "application/vnd.docker.multiplexed-stream";
const RAW = "application/vnd.docker.raw-stream";
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})) /;

/** Whether a body looks like a multiplexed stream: every header well-formed up to the end. */
function looksMultiplexed(body: Buffer): boolean {
  let offset = 0;
  while (offset < body.length) {
    if (offset + 8 > body.length) return false;
    const stream = body[offset] ?? 255;
    if (stream > 3 || body[offset + 1] !== 0 || body[offset + 2] !== 0 || body[offset + 3] !== 0) return false;
    offset += 8 + body.readUInt32BE(offset + 4);
  }
  return offset === body.length;
}

/**
 * Decides the format from the Content-Type and, when that says neither (older engines send
 * `text/plain`), from the bytes themselves.
 */
export function isMultiplexed(contentType: string | undefined, body: Buffer): boolean {
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (type === MULTIPLEXED) return true;
  if (type === RAW) return false;
  return body.length > 0 && looksMultiplexed(body);
}

function toLine(stream: ServiceLogLine["stream"], bytes: Buffer, timestamps: boolean): ServiceLogLine {
  let text = bytes.toString("utf8");
  if (text.endsWith("\r")) text = text.slice(0, -1);
  if (timestamps) {
    const match = TIMESTAMP.exec(text);
    if (match) return { stream, timestamp: match[1] ?? null, text: text.slice(match[0].length) };
  }
  return { stream, timestamp: null, text };
}

/**
 * Splits a log body into lines in the order their last byte arrived. A final line without a line
 * break is kept; a truncated last frame keeps the bytes that are there.
 */
export function decodeDockerLogs(
  body: Buffer,
  options: { contentType?: string; timestamps: boolean },
): ServiceLogLine[] {
  const lines: ServiceLogLine[] = [];
  const pending: Record<ServiceLogLine["stream"], Buffer[]> = { stdout: [], stderr: [] };

  const feed = (stream: ServiceLogLine["stream"], chunk: Buffer): void => {
    let start = 0;
    for (let i = chunk.indexOf(0x0a); i >= 0; i = chunk.indexOf(0x0a, start)) {
      const parts = pending[stream];
      parts.push(chunk.subarray(start, i));
      lines.push(toLine(stream, Buffer.concat(parts), options.timestamps));
      pending[stream] = [];
      start = i + 1;
    }
    if (start < chunk.length) pending[stream].push(chunk.subarray(start));
  };

  if (isMultiplexed(options.contentType, body)) {
    let offset = 0;
    while (offset + 8 <= body.length) {
      const type = body[offset] ?? 1;
      const size = body.readUInt32BE(offset + 4);
      const end = Math.min(body.length, offset + 8 + size);
      feed(type === 2 || type === 3 ? "stderr" : "stdout", body.subarray(offset + 8, end));
      offset = end;
    }
  } else {
    feed("stdout", body);
  }
  for (const stream of ["stdout", "stderr"] as const) {
    if (pending[stream].length > 0) lines.push(toLine(stream, Buffer.concat(pending[stream]), options.timestamps));
  }
  return lines;
}
