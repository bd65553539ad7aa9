// @azure/functions is a CommonJS bundle: in an ES module, import its default export.
import azureFunctions from "@azure/functions";
import { getServices } from "../container.js";
import { keyVaultEventHandler } from "./keyVaultEventHandler.js";

// Subscribe this function to the vault's Microsoft.KeyVault.Certificate* events (Event Grid).
azureFunctions.app.eventGrid("keyvault-events", {
  handler: (event, context) => keyVaultEventHandler(event, context, getServices),
});
