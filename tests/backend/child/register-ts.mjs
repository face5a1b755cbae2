/** `node --import ./register-ts.mjs script.mjs`: installs the hooks of ts-hooks.mjs. */
import { register } from "node:module";

register("./ts-hooks.mjs", import.meta.url);
