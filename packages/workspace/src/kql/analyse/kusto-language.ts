/// <reference types="@kusto/language-service-next/Kusto.Language.Bridge.d.ts" />
import { createRequire } from "node:module";

// Microsoft's Kusto.Language is a Bridge.NET build: two scripts that define the globals `Bridge` and
// `Kusto`. They are loaded once, on first use, because loading costs about half a second.
let loaded: typeof Kusto.Language | undefined;

export function kustoLanguage(): typeof Kusto.Language {
  if (loaded === undefined) {
    const require = createRequire(import.meta.url);
    require("@kusto/language-service-next/bridge.min.js");
    require("@kusto/language-service-next/Kusto.Language.Bridge.min.js");
    loaded = (globalThis as unknown as { Kusto: typeof Kusto }).Kusto.Language;
  }
  return loaded;
}

export type SyntaxNode = Kusto.Language.Syntax.SyntaxNode;
