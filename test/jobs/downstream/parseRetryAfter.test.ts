import { isMainThread } from "node:worker_threads";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseRetryAfter } from "../../../src/jobs/downstream/parseRetryAfter.js";

const now = new Date("2024-05-01T10:00:00.000Z");
const epoch = new Date(0);

// HTTP dates are GMT whatever the zone of the machine that reads them; the asctime form does not even say so.
// Each zone's offset on `now` (as getTimezoneOffset gives it) shows that the zone really is in force.
const ZONES: [string, number][] = [
  ["UTC", 0],
  ["America/New_York", 240],
  ["Asia/Kolkata", -330],
  ["Pacific/Chatham", -765],
];

describe("parseRetryAfter", () => {
  it.each([
    ["0", 0],
    ["2", 2_000],
    [" 120 ", 120_000],
    // delay-seconds is 1*DIGIT (RFC 9110 §10.2.3); a decimal is read as meant rather than refused.
    ["1.5", 1_500],
    ["1.25", 1_250],
    ["1.0004", 1_000],
  ])("%j seconds means %i ms", (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });

  it.each([
    [null],
    [undefined],
    [""],
    ["  "],
    ["soon"],
    ["-5"],
    ["+5"],
    ["1e3"],
    ["1."],
    [".5"],
    ["1,5"],
    ["2 seconds"],
    ["in 2"],
    ["0x10"],
  ])("%j is not a Retry-After: null", (value) => {
    expect(parseRetryAfter(value, now)).toBeNull();
  });

  describe.each(ZONES)("on a machine in %s", (zone, offsetMinutes) => {
    let previousZone: string | undefined;
    beforeEach(() => {
      previousZone = process.env.TZ;
      process.env.TZ = zone;
    });
    afterEach(() => {
      if (previousZone === undefined) delete process.env.TZ;
      else process.env.TZ = previousZone;
    });

    // Node applies an assignment to TZ only in a process's main thread; in a worker thread (a `threads` pool, as
    // Stryker's vitest runner uses by default) every zone here is the process's own, and these tests say less.
    it.runIf(isMainThread)("runs in that zone", () => {
      expect(now.getTimezoneOffset()).toBe(offsetMinutes);
    });

    it.each([
      ["Wed, 01 May 2024 10:00:30 GMT", 30_000],
      ["Thu, 02 May 2024 10:00:00 GMT", 86_400_000],
      // The obsolete RFC 850 and asctime forms, which recipients must also accept.
      ["Wednesday, 01-May-24 10:01:00 GMT", 60_000],
      ["Wed May  1 10:00:05 2024", 5_000],
      ["Thu May 02 10:00:00 2024", 86_400_000],
    ])("%j means %i ms", (value, expected) => {
      expect(parseRetryAfter(value, now)).toBe(expected);
    });

    it.each([
      ["Wed, 01 May 2024 09:00:00 GMT"],
      ["Wednesday, 01-May-24 09:59:59 GMT"],
      ["Wed May  1 09:59:59 2024"],
      ["Tue Apr 30 23:00:00 2024"],
    ])("%j is in the past: no wait", (value) => {
      expect(parseRetryAfter(value, now)).toBe(0);
    });

    // The first days of the months of 2024 fall on every day of the week.
    it.each([
      ["Mon, 01 Jan 2024 08:07:06 GMT", "Monday, 01-Jan-24 08:07:06 GMT", "Mon Jan  1 08:07:06 2024", 0],
      ["Thu, 01 Feb 2024 08:07:06 GMT", "Thursday, 01-Feb-24 08:07:06 GMT", "Thu Feb  1 08:07:06 2024", 1],
      ["Fri, 01 Mar 2024 08:07:06 GMT", "Friday, 01-Mar-24 08:07:06 GMT", "Fri Mar  1 08:07:06 2024", 2],
      ["Mon, 01 Apr 2024 08:07:06 GMT", "Monday, 01-Apr-24 08:07:06 GMT", "Mon Apr  1 08:07:06 2024", 3],
      ["Wed, 01 May 2024 08:07:06 GMT", "Wednesday, 01-May-24 08:07:06 GMT", "Wed May  1 08:07:06 2024", 4],
      ["Sat, 01 Jun 2024 08:07:06 GMT", "Saturday, 01-Jun-24 08:07:06 GMT", "Sat Jun  1 08:07:06 2024", 5],
      ["Mon, 01 Jul 2024 08:07:06 GMT", "Monday, 01-Jul-24 08:07:06 GMT", "Mon Jul  1 08:07:06 2024", 6],
      ["Thu, 01 Aug 2024 08:07:06 GMT", "Thursday, 01-Aug-24 08:07:06 GMT", "Thu Aug  1 08:07:06 2024", 7],
      ["Sun, 01 Sep 2024 08:07:06 GMT", "Sunday, 01-Sep-24 08:07:06 GMT", "Sun Sep  1 08:07:06 2024", 8],
      ["Tue, 01 Oct 2024 08:07:06 GMT", "Tuesday, 01-Oct-24 08:07:06 GMT", "Tue Oct  1 08:07:06 2024", 9],
      ["Fri, 01 Nov 2024 08:07:06 GMT", "Friday, 01-Nov-24 08:07:06 GMT", "Fri Nov  1 08:07:06 2024", 10],
      ["Sun, 01 Dec 2024 08:07:06 GMT", "Sunday, 01-Dec-24 08:07:06 GMT", "Sun Dec  1 08:07:06 2024", 11],
    ])("%j, %j and %j name the same instant", (imf, rfc850, asctime, month) => {
      const at = Date.UTC(2024, month, 1, 8, 7, 6);
      expect(parseRetryAfter(imf, epoch)).toBe(at);
      expect(parseRetryAfter(rfc850, epoch)).toBe(at);
      expect(parseRetryAfter(asctime, epoch)).toBe(at);
    });

    // Almost HTTP dates: Date.parse would guess at each of these (some in the machine's zone), the RFC does not.
    it.each([
      // IMF-fixdate
      ["xWed, 01 May 2024 10:00:30 GMT", "text before"],
      ["Wed, 01 May 2024 10:00:30 GMT+0200", "text after"],
      ["Wed, 01 May 2024 10:00:30 GMT (UTC)", "a comment after"],
      ["Wed, 01 May 2024 10:00:30", "no zone"],
      ["Wed, 01 May 2024 10:00:30 UTC", "a zone other than GMT"],
      ["Wed, 01 May 2024 10:00:30 +0000", "an offset instead of GMT"],
      ["Wed, 1 May 2024 10:00:30 GMT", "a one-digit day"],
      ["Wed, 01 May 2024 9:00:30 GMT", "a one-digit hour"],
      ["Wed, 01 May 2024 10:0:30 GMT", "a one-digit minute"],
      ["Wed, 01 May 2024 10:00:3 GMT", "a one-digit second"],
      ["Wed, 01 May 24 10:00:30 GMT", "a two-digit year"],
      ["Wed, 01 May 2024 10:00 GMT", "no seconds"],
      ["Wed 01 May 2024 10:00:30 GMT", "no comma"],
      ["01 May 2024 10:00:30 GMT", "no day name"],
      ["123, 01 May 2024 10:00:30 GMT", "a number for the day name"],
      ["Wed, 01 05 2024 10:00:30 GMT", "a number for the month"],
      ["Wed, 01 Mai 2024 10:00:30 GMT", "an unknown month"],
      ["wed, 01 may 2024 10:00:30 gmt", "names in lower case"],
      ["Wed, 32 May 2024 10:00:30 GMT", "a day past the end of the month"],
      ["Wed, 01 May 2024 24:00:30 GMT", "an hour past 23"],
      // RFC 850
      ["xWednesday, 01-May-24 10:01:00 GMT", "text before"],
      ["Wednesday, 01-May-24 10:01:00 GMT+0200", "text after"],
      ["Wednesday, 01-May-24 10:01:00", "no zone"],
      ["Wednesday, 1-May-24 10:01:00 GMT", "a one-digit day"],
      ["Wednesday, 01-May-24 9:01:00 GMT", "a one-digit hour"],
      ["Wednesday, 01-May-2024 10:01:00 GMT", "a four-digit year"],
      ["Wednesday, 01-May-24 10:01 GMT", "no seconds"],
      ["Wed, 01-May-24 10:01:00 GMT", "a short day name"],
      ["Wednesday, 01-05-24 10:01:00 GMT", "a number for the month"],
      // asctime
      ["On Wed May  1 10:00:05 2024", "text before"],
      ["Wed May  1 10:00:05 2024 +0200", "text after"],
      ["Wed May  1 10:00:05 2024 GMT", "a zone, which asctime never has"],
      ["Wed May 1 10:00:05 2024", "a one-digit day not padded with a space"],
      ["Wed May   1 10:00:05 2024", "a one-digit day padded with two spaces"],
      ["Wed May  1 9:00:05 2024", "a one-digit hour"],
      ["Wed May  1 10:0:05 2024", "a one-digit minute"],
      ["Wed May  1 10:00:5 2024", "a one-digit second"],
      ["Wed May  1 10:00:05 24", "a two-digit year"],
      ["Wed May  1 10:00:05 20245", "a five-digit year"],
      ["Wed May  1 10:00 2024", "no seconds"],
      ["Wed May  1 10:00:05", "no year"],
      ["May  1 10:00:05 2024", "no day name"],
      ["Wednesday May  1 10:00:05 2024", "a long day name"],
      ["W May  1 10:00:05 2024", "a one-letter day name"],
      ["123 May  1 10:00:05 2024", "a number for the day name"],
      ["Wed 5  1 10:00:05 2024", "a number for the month"],
      ["Wed May x1 10:00:05 2024", "a letter in the day"],
      ["wed may  1 10:00:05 2024", "names in lower case"],
      // Other forms Date.parse reads
      ["2024-05-01T10:00:30Z", "ISO 8601"],
      ["1 May 2024", "a day without a time"],
    ])("%j is not an HTTP date (%s): null", (value) => {
      expect(parseRetryAfter(value, now)).toBeNull();
    });
  });
});
