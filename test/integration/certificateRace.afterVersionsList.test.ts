import { describeCertificateRace } from "./certificateRaceSuite.js";

describeCertificateRace("after-versions-list");
