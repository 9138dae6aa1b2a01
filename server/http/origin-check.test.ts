import { describe, expect, it } from "vitest";
import { isCrossSite } from "./origin-check";

const APP = "https://panel.example.com";

describe("isCrossSite", () => {
  it.each([
    [{ host: "panel.example.com", origin: APP, "sec-fetch-site": "same-origin" }, false],
    [{ host: "panel.example.com", "sec-fetch-site": "none" }, false],
    [{ host: "panel.example.com" }, false], // curl, scripts: no browser page involved
    [{ host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000" }, false], // same host, no Sec-Fetch-Site (older browsers)
    [{ host: "panel.example.com", origin: APP }, false],
    [{ host: "panel.example.com", origin: "https://evil.example" }, true],
    [{ host: "panel.example.com", origin: "https://evil.example", "sec-fetch-site": "cross-site" }, true],
    [{ host: "panel.example.com", origin: "https://sub.panel.example.com", "sec-fetch-site": "same-site" }, true],
    [{ host: "panel.example.com", origin: "null" }, true],
    [{ host: "panel.example.com", "sec-fetch-site": "cross-site" }, true],
    [{ host: "panel.example.com", origin: "not a url" }, true],
  ])("%j → %s", (headers, expected) => {
    expect(isCrossSite(headers, APP)).toBe(expected);
  });
});
