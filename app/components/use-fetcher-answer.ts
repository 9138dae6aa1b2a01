import { useEffect, useState } from "react";

/**
 * A fetcher's answer to its latest submission, or undefined. Remix keeps a fetcher's last data
 * when a later submission redirects (e.g. a save that worked after one that was refused), so the
 * data seen when a new submission starts is set aside and no longer counts as its answer.
 */
export function useFetcherAnswer<T>(fetcher: { state: "idle" | "submitting" | "loading"; data?: T }): T | undefined {
  const [stale, setStale] = useState<T | undefined>(undefined);
  const { state, data } = fetcher;
  useEffect(() => {
    // Only the start of a submission sets the data aside (not each new answer).
    if (state === "submitting") setStale(data);
    // `data` is read at that moment on purpose: it is not a dependency.
  }, [state]);
  return data !== stale && state !== "submitting" ? data : undefined;
}
