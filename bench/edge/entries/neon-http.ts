/** The blog Worker with the Neon HTTP backend only (bundle-size benchmark entry). */
import { createApp } from "../../../edge-examples/cloudflare-worker/src/app.js";
import { neonBackend } from "../../../edge-examples/cloudflare-worker/src/backends/neon-http.js";

export default createApp({ neon: neonBackend });
