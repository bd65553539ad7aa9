import { describeCertificateRace } from "./certificateRaceSuite.js";

describeCertificateRace("on-pending-read");
