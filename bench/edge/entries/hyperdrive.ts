/** The blog Worker with the Hyperdrive (postgres.js) backend only (bundle-size benchmark entry). */
import { createApp } from "../../../edge-examples/cloudflare-worker/src/app.js";
import { hyperdriveBackend } from "../../../edge-examples/cloudflare-worker/src/backends/hyperdrive.js";

export default createApp({ hyperdrive: hyperdriveBackend });
