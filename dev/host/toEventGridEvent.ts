import type { EventGridEvent, EventGridPartialEvent } from "@azure/functions";

/**
 * An event as Event Grid delivers it: what the publisher sent, with the fields Event Grid stamps when the
 * publisher leaves them out (`metadataVersion` "1", an empty `dataVersion`; `topic` is the topic's resource id,
 * empty here unless given).
 */
export function toEventGridEvent(event: EventGridPartialEvent): EventGridEvent {
  return { ...event, topic: event.topic ?? "", dataVersion: event.dataVersion ?? "", metadataVersion: "1" };
}
