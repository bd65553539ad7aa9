import { Disposable } from "./Disposable.js";
import type { HookCallback } from "./functionsCoreTypes.js";

/** The lifecycle hooks the worker runs; `app.hook.*` in the library registers them. */
export const hookNames = ["preInvocation", "postInvocation", "appStart", "appTerminate", "log"] as const;
export type HookName = (typeof hookNames)[number];

export function isHookName(name: string): name is HookName {
  return (hookNames as readonly string[]).includes(name);
}

/** The hooks of one app, in registration order (the worker runs them in that order and awaits each). */
export class AppHooks {
  readonly #callbacks = new Map<HookName, HookCallback[]>(hookNames.map((name) => [name, []]));

  add(name: HookName, callback: HookCallback): Disposable {
    const callbacks = this.#list(name);
    callbacks.push(callback);
    return new Disposable(() => {
      const at = callbacks.indexOf(callback);
      if (at !== -1) callbacks.splice(at, 1);
    });
  }

  list(name: HookName): readonly HookCallback[] {
    return [...this.#list(name)];
  }

  /** Runs the hooks one after another, as the worker does; a hook that throws stops the rest. */
  async run(name: HookName, context: Record<string, unknown>): Promise<void> {
    for (const callback of this.list(name)) await callback(context);
  }

  #list(name: HookName): HookCallback[] {
    let callbacks = this.#callbacks.get(name);
    if (!callbacks) {
      callbacks = [];
      this.#callbacks.set(name, callbacks);
    }
    return callbacks;
  }
}
