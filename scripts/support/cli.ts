/**
 * The frame of the panel's maintenance commands (db:backup, db:restore, secrets:rotate): parses the
 * arguments, prints the usage on `--help` or a bad call (exit 2), turns the errors a person can act
 * on into one line on stderr (exit 1), and lets anything else crash loudly.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { ConfigError } from "../../server/config/env";
import { OperatorError } from "../../server/errors";

type Options = NonNullable<ParseArgsConfig["options"]>;

export async function runCli<O extends Options>(spec: {
  usage: string;
  options: O;
  /** How many positional arguments the command takes. */
  positionals: number;
  main: (values: Record<string, string | boolean | undefined>, positionals: string[]) => Promise<number | void>;
}): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ options: { ...spec.options, help: { type: "boolean", default: false } }, allowPositionals: spec.positionals > 0, strict: true });
  } catch (error) {
    console.error(`${(error as Error).message}\n${spec.usage}`);
    process.exitCode = 2;
    return;
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) {
    console.log(spec.usage);
    return;
  }
  if (parsed.positionals.length !== spec.positionals) {
    console.error(spec.usage);
    process.exitCode = 2;
    return;
  }
  try {
    process.exitCode = (await spec.main(values, parsed.positionals)) ?? 0;
  } catch (error) {
    // Errors whose message tells the operator what to do; anything else is a bug and is thrown.
    if (error instanceof ConfigError || error instanceof OperatorError) {
      console.error((error as Error).message);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
}
