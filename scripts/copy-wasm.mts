/** `npm run build` runs this before `next build`; `npm start` does the same through ensure-build.mts. */
import { copyEmojiData } from "./emoji-data";
import { copyScannerWasm } from "./scanner-wasm";

copyScannerWasm();
copyEmojiData();
