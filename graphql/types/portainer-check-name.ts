import { builder } from "../builder";

export const PortainerCheckNameEnum = builder.enumType("PortainerCheckName", {
  description: "One thing the panel needs from Portainer, checked in this order by `portainerStatus`.",
  values: {
    URL: { description: "Portainer answers at PORTAINER_URL." },
    TOKEN: { description: "Portainer accepts the API token (PORTAINER_API_TOKEN)." },
    VERSION: { description: "Portainer is 2.20 or newer." },
    ENDPOINT: { description: "The environment PORTAINER_ENDPOINT_ID exists and is up." },
    SWARM: { description: "The environment's engine is a Swarm manager." },
    TRAEFIK_NETWORK: { description: "The overlay network Traefik reads (TRAEFIK_NETWORK_NAME) exists on the Swarm." },
  } as const,
});
