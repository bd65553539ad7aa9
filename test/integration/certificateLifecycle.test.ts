import { certificateLifecycleStory } from "./certificateLifecycleStory.js";

// The key is read from the certificate's secret (an exportable key) and signs in this process.
certificateLifecycleStory({ signing: "local", exportable: true });
