/**
 * Creates an account (ADMIN by default) without any database tool:
 *
 *   npm run admin:create -- --email admin@example.com [--role ADMIN|CLIENT] [--update-password]
 *
 * The password is read from a hidden prompt, or from standard input when it is not a terminal
 * (first line; an optional second line must repeat it). Never from argv, which shell history
 * and `ps` would keep. Pending migrations are applied first, so it works on a fresh database.
 * `--update-password` sets a new password on an existing account and signs it out everywhere.
 */
import readline from "node:readline";
import { parseArgs } from "node:util";
import { UserService } from "../server/auth/users";
import { ConfigError, loadDatabasePath } from "../server/config/env";
import { createPrisma } from "../server/db/client";
import { migrateDatabase } from "../server/db/migrate";
import { AppError, ValidationError } from "../server/errors";

const USAGE = "Usage: npm run admin:create -- --email EMAIL [--role ADMIN|CLIENT] [--update-password]";

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        email: { type: "string" },
        role: { type: "string", default: "ADMIN" },
        "update-password": { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
      strict: true,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.email) {
    console.error(`--email is required.\n${USAGE}`);
    return 2;
  }
  const role = values.role.toUpperCase();
  if (role !== "ADMIN" && role !== "CLIENT") {
    console.error(`--role must be ADMIN or CLIENT (got "${values.role}").`);
    return 2;
  }

  const password = await readPassword();
  if (password === null) return 1;

  const databasePath = loadDatabasePath();
  await migrateDatabase(databasePath);
  const prisma = await createPrisma(databasePath);
  try {
    const users = new UserService(prisma);
    if (values["update-password"]) {
      const user = await users.setPassword(values.email, password);
      console.log(`Updated the password of ${user.email}; its sessions were ended.`);
    } else {
      const user = await users.create({ email: values.email, password, role });
      console.log(`Created ${user.role} ${user.email} (id ${user.id}).`);
    }
    return 0;
  } catch (error) {
    if (error instanceof ValidationError) {
      for (const e of error.fieldErrors) console.error(`${e.field}: ${e.message}`);
      return 1;
    }
    if (error instanceof AppError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  } finally {
    await prisma.$disconnect();
  }
}

async function readPassword(): Promise<string | null> {
  if (process.stdin.isTTY) {
    const first = await prompt("Password: ");
    const second = await prompt("Repeat the password: ");
    if (first !== second) {
      console.error("The two passwords differ.");
      return null;
    }
    return first;
  }
  const lines = await readStdinLines(2);
  const [first, second] = lines;
  if (first === undefined || first === "") {
    console.error("No password on standard input (first line).");
    return null;
  }
  if (second !== undefined && second !== "" && second !== first) {
    console.error("The second line of standard input does not repeat the password.");
    return null;
  }
  return first;
}

/** Asks on the terminal without echoing what is typed. */
function prompt(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    const write = (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput.bind(rl);
    let asked = false;
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
      if (!asked) {
        asked = true;
        write(s);
      }
    };
    rl.question(question, (answer) => {
      rl.close();
      process.stdout.write("\n");
      resolve(answer);
    });
  });
}

async function readStdinLines(max: number): Promise<string[]> {
  const lines: string[] = [];
  const rl = readline.createInterface({ input: process.stdin, terminal: false });
  for await (const line of rl) {
    lines.push(line.replace(/\r$/, ""));
    if (lines.length >= max) break;
  }
  rl.close();
  return lines;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : `admin:create failed: ${(error as Error).message}`);
    process.exit(1);
  },
);
