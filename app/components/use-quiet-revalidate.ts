import { useFetchers, useNavigation, useRevalidator } from "@remix-run/react";
import { useCallback, useEffect, useRef } from "react";

/**
 * Fetches the page's data again, but never in the middle of a form being sent: Remix drops the
 * redirect (and so the toast) of a fetcher's action when a revalidation starts while it runs.
 * Asked while something is being sent, it waits until everything is idle (the action's own
 * reload may already have brought the news; one more look is cheap).
 */
export function useQuietRevalidate(): () => void {
  const { revalidate } = useRevalidator();
  const navigation = useNavigation();
  const fetchers = useFetchers();
  const busy = navigation.state !== "idle" || fetchers.some((f) => f.state !== "idle");
  const state = useRef({ busy, wanted: false });
  state.current.busy = busy;
  useEffect(() => {
    if (busy || !state.current.wanted) return;
    state.current.wanted = false;
    revalidate();
  }, [busy, revalidate]);
  return useCallback(() => {
    if (state.current.busy) state.current.wanted = true;
    else revalidate();
  }, [revalidate]);
}
