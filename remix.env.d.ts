/// <reference types="@remix-run/node" />
/// <reference types="vite/client" />

import type { PanelLoadContext } from "./server/app";

declare module "@remix-run/node" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- augmentation
  interface AppLoadContext extends PanelLoadContext {}
  interface Future {
    v3_singleFetch: true;
  }
}
