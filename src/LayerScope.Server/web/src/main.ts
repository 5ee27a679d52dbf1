import "./style.css";
import { App } from "./app";
import type { TestHook } from "./state";

declare global {
  interface Window {
    layerscope: TestHook;
  }
}

const app = new App();
window.layerscope = app.hook;
void app.start();
