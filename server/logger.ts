/**
 * Structured logging: JSON lines in production, readable lines in development. Every request
 * gets a child logger carrying its request id. Known secret-bearing keys are redacted wherever
 * they appear, as a second line of defence: code never logs secrets on purpose.
 */
import { createRequire } from "node:module";
import pino, { type Logger } from "pino";
import type { Config } from "./config/env";

export type { Logger };

/** Keys whose values never reach a log line, at any depth up to three levels. */
const SECRET_KEYS = [
  "password",
  "newPassword",
  "currentPassword",
  "passwordHash",
  "token",
  "apiToken",
  "apiKey",
  "appSecret",
  "secret",
  "cookie",
  "authorization",
  "set-cookie",
  "x-api-key",
];

const redactPaths = SECRET_KEYS.flatMap((key) => {
  const k = /^[a-zA-Z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
  const dot = k.startsWith("[") ? "" : ".";
  return [k, `*${dot}${k}`, `*.*${dot}${k}`];
});

export function createLogger(options: Config["log"], destination?: pino.DestinationStream): Logger {
  const base = {
    level: options.level,
    redact: { paths: redactPaths, censor: "[redacted]" },
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
  } satisfies pino.LoggerOptions;
  if (destination) return pino(base, destination);
  if (options.format === "pretty" && prettyAvailable()) {
    return pino({
      ...base,
      transport: { target: "pino-pretty", options: { translateTime: "HH:MM:ss.l", ignore: "pid,hostname" } },
    });
  }
  return pino(base);
}

/** pino-pretty is a development dependency; production images log JSON without it. */
function prettyAvailable(): boolean {
  try {
    createRequire(import.meta.url).resolve("pino-pretty");
    return true;
  } catch {
    return false;
  }
}
