/**
 * Prints the stack file of a sample tenant, for reviewing what the panel deploys.
 *
 *   tsx scripts/stack-render.ts --slug acme --domain mautic.acme.example \
 *     [--admin-email admin@acme.example] [--plan standard] [--plans-file plans.json] \
 *     [--exposure install|live] [--dialect v2|v3.0|v3.2.2] [--image mautic/mautic:7.2.0-apache] \
 *     [--node swarm-node-1] [--placement pin|none] [--trusted-proxies 10.200.0.0/16,...] [--mailer]
 *
 * Exit codes: 0 with the YAML on stdout; 1 with one line per problem on stderr.
 */
import { parseArgs } from "node:util";
import { ValidationError, type FieldError } from "../server/errors";
import { buildTenantStack } from "../server/stacks/build-tenant-stack";
import { loadPlans, PlansFileError } from "../server/stacks/plans";
import { renderStackYaml } from "../server/stacks/render";
import { SAMPLE_ALLOWED_IMAGES, SAMPLE_SETTINGS, sampleTenantInput } from "../server/stacks/sample-tenant";
import { validateStackSettings, type PlacementMode, type StackSettings, type TraefikDialect } from "../server/stacks/settings";
import { loadStackFiles } from "../server/stacks/stack-files";
import { parseTenantStackInput, type Exposure } from "../server/stacks/tenant-input";

const USAGE =
  "usage: tsx scripts/stack-render.ts --slug SLUG --domain DOMAIN [--admin-email EMAIL] [--plan NAME]\n" +
  "  [--plans-file FILE] [--exposure install|live] [--dialect v2|v3.0|v3.2.2] [--image IMAGE] [--node HOST]\n" +
  "  [--placement pin|none] [--trusted-proxies CIDR[,CIDR...]] [--mailer]";

function main(argv: string[]): number {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        slug: { type: "string" },
        domain: { type: "string" },
        "admin-email": { type: "string" },
        plan: { type: "string" },
        "plans-file": { type: "string" },
        exposure: { type: "string", default: "install" },
        dialect: { type: "string", default: SAMPLE_SETTINGS.traefikDialect },
        image: { type: "string" },
        node: { type: "string" },
        placement: { type: "string", default: SAMPLE_SETTINGS.placement },
        "trusted-proxies": { type: "string" },
        mailer: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 1;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    const plans = loadPlans(values["plans-file"]);
    const settings: StackSettings = {
      ...SAMPLE_SETTINGS,
      traefikDialect: values.dialect as TraefikDialect,
      placement: values.placement as PlacementMode,
      ...(values["trusted-proxies"] !== undefined ? { trustedProxies: values["trusted-proxies"].split(",") } : {}),
    };
    const input = sampleTenantInput({
      slug: values.slug ?? "",
      domain: values.domain ?? "",
      files: loadStackFiles(),
      plan: values.plan ?? plans.defaultPlan,
      exposure: values.exposure as Exposure,
      hasMailerDsn: values.mailer,
      ...(values["admin-email"] !== undefined ? { adminEmail: values["admin-email"] } : {}),
      ...(values.image !== undefined ? { mauticImage: values.image } : {}),
      ...(values.node !== undefined ? { nodeHostname: values.node } : {}),
    });
    // Both checks run before reporting, so every bad option is listed in one go.
    const problems: FieldError[] = [];
    const collect = <T>(run: () => T): T | undefined => {
      try {
        return run();
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        problems.push(...error.fieldErrors);
        return undefined;
      }
    };
    collect(() => validateStackSettings(settings));
    const tenant = collect(() => parseTenantStackInput(input, { allowedImages: SAMPLE_ALLOWED_IMAGES, plans }));
    if (tenant === undefined || problems.length > 0) throw new ValidationError(problems);
    process.stdout.write(renderStackYaml(buildTenantStack(tenant, settings)));
    return 0;
  } catch (error) {
    if (error instanceof ValidationError) {
      for (const { field, message } of error.fieldErrors) process.stderr.write(`${field}: ${message}\n`);
      return 1;
    }
    if (error instanceof PlansFileError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = main(process.argv.slice(2));
