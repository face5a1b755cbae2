/**
 * Test set-up: start the backend once per test file (wasm unless SCVI_TS_BACKEND says
 * otherwise) and keep tfjs quiet.
 */
import { ready } from "../src/backend/select.js";

await ready();
