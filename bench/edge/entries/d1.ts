/** The blog Worker with the D1 backend only (bundle-size benchmark entry). */
import { createApp } from "../../../edge-examples/cloudflare-worker/src/app.js";
import { d1Backend } from "../../../edge-examples/cloudflare-worker/src/backends/d1.js";

export default createApp({ d1: d1Backend });
