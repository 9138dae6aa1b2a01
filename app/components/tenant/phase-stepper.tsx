import { PHASE_TEXT, TENANT_PHASES, type PhaseStep, type StepState } from "../../utils/tenant-model";
import * as styles from "./phase-stepper.css";

const STATE_WORD: Record<StepState, string> = { done: "Done", current: "In progress", failed: "Failed", upcoming: "Not started" };

function summaryOf(steps: PhaseStep[], status: string): string {
  const index = steps.findIndex((s) => s.state === "current" || s.state === "failed");
  const total = TENANT_PHASES.length;
  if (index >= 0) {
    const step = steps[index]!;
    const text = PHASE_TEXT[step.phase];
    if (step.state === "failed") return `Failed at step ${index + 1} of ${total}, ${text.label}: ${text.description}`;
    if (status === "PENDING") return `Queued to continue at step ${index + 1} of ${total}, ${text.label}.`;
    return `Step ${index + 1} of ${total}, ${text.label}: ${text.description}`;
  }
  if (steps.every((s) => s.state === "upcoming")) return "Queued: provisioning starts in a moment.";
  return `All ${total} steps are done.`;
}

/**
 * Provisioning phase by phase (PREFLIGHT … VERIFYING): done, in progress, failed or not started.
 * The state is written out for each step, not only coloured; the step in progress (or the one
 * that failed) is marked `aria-current="step"`.
 */
export function PhaseStepper({ steps, status }: { steps: PhaseStep[]; status: string }) {
  return (
    <div data-testid="phase-stepper">
      <p className={styles.summary} data-testid="phase-summary">
        {summaryOf(steps, status)}
      </p>
      <ol className={styles.list} aria-label="Provisioning steps">
        {steps.map((step, index) => {
          const text = PHASE_TEXT[step.phase];
          return (
            <li
              key={step.phase}
              className={styles.step[step.state]}
              aria-current={step.state === "current" || step.state === "failed" ? "step" : undefined}
              data-phase={step.phase}
              data-state={step.state}
              title={text.description}
            >
              <span className={styles.label}>{text.label}</span>
              <span className={styles.stateRow}>
                <span className={styles.marker[step.state]} aria-hidden="true">
                  {step.state === "done" ? "✓" : step.state === "failed" ? "✕" : index + 1}
                </span>
                <span className={styles.state}>{STATE_WORD[step.state]}</span>
              </span>
            </li>
          );
        })}
      </ol>
    </div>
  );
}
