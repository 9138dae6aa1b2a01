import { useEffect, useState } from "react";

let hydrating = true;

/**
 * False on the server and during hydration, true afterwards: render controls that need
 * JavaScript (e.g. a Copy button) only once they can work.
 */
export function useHydrated(): boolean {
  const [hydrated, setHydrated] = useState(() => !hydrating);
  useEffect(() => {
    hydrating = false;
    setHydrated(true);
  }, []);
  return hydrated;
}
