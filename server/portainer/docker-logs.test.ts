import { describe, expect, it } from "vitest";
import { decodeDockerLogs, isMultiplexed } from "./docker-logs";

const MUX = "application/vnd.docker.multiplexed-stream";

/** One frame: `[stream, 0, 0, 0, size (uint32 BE)]` + payload. */
function frame(stream: number, payload: Buffer | string): Buffer {
  const body = typeof payload === "string" ? Buffer.from(payload, "utf8") : payload;
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

describe("decodeDockerLogs", () => {
  it("splits frames into lines per stream, with timestamps", () => {
    const body = Buffer.concat([
      frame(1, "2026-11-27T18:49:59.123456789Z starting apache\n"),
      frame(2, "2026-11-27T18:50:00.000000001Z PHP Warning: x\n"),
    ]);
    expect(decodeDockerLogs(body, { contentType: MUX, timestamps: true })).toEqual([
      { stream: "stdout", timestamp: "2026-11-27T18:49:59.123456789Z", text: "starting apache" },
      { stream: "stderr", timestamp: "2026-11-27T18:50:00.000000001Z", text: "PHP Warning: x" },
    ]);
  });

  it("joins a line split across frames and splits a frame holding several lines", () => {
    const body = Buffer.concat([frame(1, "one\ntw"), frame(2, "err\n"), frame(1, "o\nthree")]);
    expect(decodeDockerLogs(body, { contentType: MUX, timestamps: false })).toEqual([
      { stream: "stdout", timestamp: null, text: "one" },
      { stream: "stderr", timestamp: null, text: "err" },
      { stream: "stdout", timestamp: null, text: "two" },
      { stream: "stdout", timestamp: null, text: "three" },
    ]);
  });

  it("keeps a multi-byte character split between two frames", () => {
    const bytes = Buffer.from("é\n", "utf8");
    const body = Buffer.concat([frame(1, bytes.subarray(0, 1)), frame(1, bytes.subarray(1))]);
    expect(decodeDockerLogs(body, { contentType: MUX, timestamps: false })).toEqual([{ stream: "stdout", timestamp: null, text: "é" }]);
  });

  it("reads a TTY (raw) stream as stdout and strips carriage returns", () => {
    const body = Buffer.from("2026-11-27T18:49:59Z hello\r\nworld\r\n");
    expect(decodeDockerLogs(body, { contentType: "application/vnd.docker.raw-stream", timestamps: true })).toEqual([
      { stream: "stdout", timestamp: "2026-11-27T18:49:59Z", text: "hello" },
      { stream: "stdout", timestamp: null, text: "world" },
    ]);
  });

  it("keeps the bytes of a truncated last frame", () => {
    const full = frame(1, "complete line\n");
    const cut = frame(2, "cut short\n").subarray(0, 8 + 3);
    expect(decodeDockerLogs(Buffer.concat([full, cut]), { contentType: MUX, timestamps: false })).toEqual([
      { stream: "stdout", timestamp: null, text: "complete line" },
      { stream: "stderr", timestamp: null, text: "cut" },
    ]);
  });

  it("returns no lines for an empty body", () => {
    expect(decodeDockerLogs(Buffer.alloc(0), { contentType: MUX, timestamps: true })).toEqual([]);
  });
});

describe("isMultiplexed", () => {
  it("trusts the Content-Type and sniffs the bytes when it says neither", () => {
    const mux = frame(1, "x\n");
    expect(isMultiplexed(`${MUX}; charset=utf-8`, Buffer.from("plain"))).toBe(true);
    expect(isMultiplexed("application/vnd.docker.raw-stream", mux)).toBe(false);
    expect(isMultiplexed("text/plain", mux)).toBe(true);
    expect(isMultiplexed(undefined, Buffer.from("plain text line\n"))).toBe(false);
  });
});
