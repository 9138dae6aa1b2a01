import { describe, expect, it } from "vitest";
import { deployFailed } from "../portainer/failures";
import { PortainerError } from "../portainer/errors";
import { classify } from "./failures";
import { PermanentJobError } from "./worker";

const failedDeploy = (cli: string) => deployFailed({ cli, subject: "stack 1", endpointId: 1, redact: (text) => text });

describe("classify", () => {
  it("fails the job at once for a deploy the stack itself breaks, a wrong token or a missing object", () => {
    expect(classify(failedDeploy("service db: secret not found: mautic-acme-db-password"))).toBeInstanceOf(PermanentJobError);
    expect(classify(new PortainerError({ code: "UNAUTHORIZED", message: "401" }))).toBeInstanceOf(PermanentJobError);
    expect(classify(new PortainerError({ code: "NOT_FOUND", message: "404" }))).toBeInstanceOf(PermanentJobError);
  });

  it("retries a deploy that failed because Portainer could not reach the Docker engine (the environment was down)", () => {
    const error = failedDeploy("Cannot connect to the Docker daemon at tcp://tasks.agent:9001. Is the docker daemon running?");
    expect(error).toMatchObject({ code: "DEPLOY_FAILED", reason: "ENDPOINT_UNREACHABLE", retryable: true });
    expect(classify(error)).toBe(error);
  });

  it("retries Portainer being unreachable, slow or busy", () => {
    for (const code of ["UNAVAILABLE", "TIMEOUT", "SERVER_ERROR", "CONFLICT"] as const) {
      const error = new PortainerError({ code, message: code, retryable: true });
      expect(classify(error)).toBe(error);
    }
  });
});
