/**
 * The stack-file reader against texts printed by docker CLI 28.2.2 (`docker stack config -c`) for
 * the same inputs, so a panel sees the errors real Portainer would relay.
 */
import { describe, expect, it } from "vitest";
import { DeployError } from "./errors";
import { parseStackFile } from "./stack-file";

const env = (vars: Record<string, string>) => (name: string) => vars[name];

function loadError(content: string, vars: Record<string, string> = {}): string {
  try {
    parseStackFile(content, env(vars));
  } catch (err) {
    expect(err).toBeInstanceOf(DeployError);
    expect((err as DeployError).stage).toBe("load");
    return (err as DeployError).message;
  }
  throw new Error("expected the stack file to be rejected");
}

describe("parseStackFile", () => {
  it("interpolates defaults, escapes and the stack's Env", () => {
    const file = parseStackFile(
      [
        "services:",
        "  web:",
        '    image: "${IMG:-nginx}:${TAG-1}"',
        "    environment:",
        '      - "HOME_DIR=$$HOME"',
        "      - FROM_ENV",
        "    deploy:",
        "      replicas: ${REPLICAS}",
        "      labels:",
        '        - "traefik.enable=${TRAEFIK_ENABLE:-false}"',
      ].join("\n"),
      env({ TAG: "", REPLICAS: "2", FROM_ENV: "x" }),
    );
    const web = file.services[0];
    // `${TAG-1}` only falls back when unset; TAG is set to "".
    expect(web?.image).toBe("nginx:");
    expect(web?.environment).toEqual(["HOME_DIR=$HOME", "FROM_ENV=x"]);
    expect(web?.deploy.replicas).toBe(2);
    expect(web?.deploy.labels).toEqual({ "traefik.enable": "false" });
  });

  it("reports a missing required variable like the CLI", () => {
    expect(loadError('services:\n  web:\n    image: "${IMG:?image missing}"\n')).toBe(
      'invalid interpolation format for services.web.image: "required variable IMG is missing a value: image missing"; ' +
        "you may need to escape any $ with another $",
    );
  });

  it("interpolates extension fields, so an x- guard fails the load", () => {
    expect(loadError('x-tenant: "${TENANT:?TENANT is required}"\nservices:\n  web:\n    image: nginx\n')).toBe(
      'invalid interpolation format for x-tenant: "required variable TENANT is missing a value: TENANT is required"; ' +
        "you may need to escape any $ with another $",
    );
  });

  it("rejects a lone $ and the unsupported ${VAR:+alt} form", () => {
    expect(loadError('services:\n  web:\n    image: nginx\n    environment:\n      A: "a $ b"\n')).toBe(
      'invalid interpolation format for services.web.environment.A: "a $ b"; you may need to escape any $ with another $',
    );
    expect(loadError('services:\n  web:\n    image: nginx\n    deploy:\n      labels: ["x=${Y:+set}"]\n')).toBe(
      'invalid interpolation format for services.web.deploy.labels.[]: "x=${Y:+set}"; you may need to escape any $ with another $',
    );
  });

  it("casts interpolated numbers and reports bad ones", () => {
    expect(loadError("services:\n  web:\n    image: nginx\n    deploy:\n      replicas: ${R}\n", { R: "abc" })).toBe(
      'error while interpolating services.web.deploy.replicas: failed to cast to expected type: strconv.Atoi: parsing "abc": invalid syntax',
    );
  });

  it("rejects depends_on with conditions, unknown keys and non-mappings", () => {
    expect(loadError("services:\n  web:\n    image: nginx\n    depends_on:\n      db:\n        condition: service_healthy\n")).toBe(
      "services.web.depends_on must be a list",
    );
    expect(loadError("services:\n  web:\n    image: nginx\n    foo: bar\n")).toBe(
      "services.web Additional property foo is not allowed",
    );
    expect(loadError("services:\n  web:\n    image: nginx\n    deploy:\n      foo: 1\n")).toBe(
      "services.web.deploy Additional property foo is not allowed",
    );
    expect(loadError("services:\n  web:\n    image: nginx\nname: x\n")).toBe("(root) Additional property name is not allowed");
    expect(loadError("foo\n")).toBe("top-level object must be a mapping");
  });

  it("checks the compose version like the CLI", () => {
    expect(loadError('version: "2.4"\nservices:\n  web:\n    image: nginx\n')).toBe("unsupported Compose file version: 2.4");
    expect(loadError("version: 3.10\nservices:\n  web:\n    image: nginx\n")).toBe("version must be a string");
  });

  it("reports duplicate keys with yaml.v3's wording", () => {
    expect(loadError("services:\n  web:\n    image: nginx\n    image: x\n")).toBe(
      'yaml: unmarshal errors:\n  line 4: mapping key "image" already defined at line 3',
    );
  });

  it("reads replicated-job mode, placement, external objects, octal modes and merge keys", () => {
    const file = parseStackFile(
      [
        'version: "3.8"',
        "x-placement: &placement",
        "  constraints:",
        '    - "node.hostname == node-2"',
        "services:",
        "  install:",
        "    image: mautic/mautic:5",
        "    configs:",
        "      - source: provision",
        "        target: /usr/local/bin/provision.sh",
        "        mode: 0555",
        "    deploy:",
        "      mode: replicated-job",
        "      placement: *placement",
        "configs:",
        "  provision:",
        "    external: true",
        "    name: mautic-provision-v1",
        "networks:",
        "  proxy:",
        "    external: true",
        "    name: traefik-public",
      ].join("\n"),
      env({}),
    );
    const install = file.services[0];
    expect(install?.deploy.mode).toBe("replicated-job");
    expect(install?.deploy.constraints).toEqual(["node.hostname == node-2"]);
    expect(install?.configs).toEqual([
      { source: "provision", target: "/usr/local/bin/provision.sh", mode: 0o555, uid: undefined, gid: undefined },
    ]);
    expect(file.configs.get("provision")).toEqual({ external: true, name: "mautic-provision-v1", file: undefined, labels: {} });
    expect(file.networks.get("proxy")?.external).toBe(true);
    expect(file.networks.get("proxy")?.name).toBe("traefik-public");
  });
});
