import { describeCertificateRace } from "./certificateRaceSuite.js";

describeCertificateRace("after-delay");
