// Expand an iCalendar feed with ical.js (the engine inside Thunderbird).
//
// Used by tests/support/parsers.py:expand_icaljs; not a general-purpose tool.
//
//   node tests/js/expand.mjs <window-start> <window-end>  < feed.ics
//
// The window is two ISO-8601 UTC instants (e.g. 2024-09-01T00:00:00Z). Every
// occurrence whose recurrence id (its original start) lies before the window end
// is printed, so the caller must pass a window padded wide enough and filter
// overlaps itself. Prints one JSON array:
//
//   [{"uid", "start", "end", "allDay", "status", "summary"}, ...]
//
// "start"/"end" are "YYYY-MM-DD" for all-day (VALUE=DATE) occurrences and UTC
// "YYYY-MM-DDTHH:MM:SSZ" otherwise. Floating times (no TZID, or a TZID with no
// VTIMEZONE in the feed) are printed as if they were UTC: that is how ical.js
// converts them, and it is why a missing VTIMEZONE shows up as a disagreement.
//
// Time zones: every VTIMEZONE in the feed is registered with
// ICAL.TimezoneService before any date is read, so TZIDs resolve to the feed's
// own definitions (never to tzdata, which ical.js does not ship).
//
// Overrides: `new ICAL.Event(master)` on its own attaches EVERY RECURRENCE-ID
// component in the calendar to the master, whatever its UID. We group overrides
// by UID and pass them explicitly with strictExceptions, so a stray override
// raises instead of silently moving another series' instance.

import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const MAX_ITERATIONS = 500_000;

function fail(message) {
  process.stderr.write(`expand.mjs: ${message}\n`);
  process.exit(2);
}

function parseInstant(text, label) {
  const millis = Date.parse(text);
  if (!/(Z|[+-]\d\d:\d\d)$/.test(text) || Number.isNaN(millis)) {
    fail(`${label} must be an ISO-8601 instant with a UTC offset, got ${JSON.stringify(text)}`);
  }
  return millis / 1000;
}

function pad(n, width = 2) {
  return String(n).padStart(width, "0");
}

function format(time) {
  if (time.isDate) {
    return `${pad(time.year, 4)}-${pad(time.month)}-${pad(time.day)}`;
  }
  const utc = time.convertToZone(ICAL.Timezone.utcTimezone);
  return (
    `${pad(utc.year, 4)}-${pad(utc.month)}-${pad(utc.day)}` +
    `T${pad(utc.hour)}:${pad(utc.minute)}:${pad(utc.second)}Z`
  );
}

function instance(uid, component, start, end) {
  const status = component.getFirstPropertyValue("status");
  const summary = component.getFirstPropertyValue("summary");
  return {
    uid,
    start: format(start),
    end: format(end),
    allDay: Boolean(start.isDate),
    status: status ? String(status).toUpperCase() : "CONFIRMED",
    summary: summary == null ? "" : String(summary),
  };
}

function expandCalendar(vcalendar, windowEnd, out) {
  for (const vtimezone of vcalendar.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(vtimezone);
  }

  const masters = new Map();
  const overrides = new Map();
  for (const vevent of vcalendar.getAllSubcomponents("vevent")) {
    const uid = String(vevent.getFirstPropertyValue("uid") ?? "");
    const bucket = vevent.hasProperty("recurrence-id") ? overrides : masters;
    if (!bucket.has(uid)) bucket.set(uid, []);
    bucket.get(uid).push(vevent);
  }

  for (const [uid, components] of masters) {
    if (components.length > 1) {
      fail(`UID ${JSON.stringify(uid)} has ${components.length} VEVENTs without RECURRENCE-ID`);
    }
    const exceptions = overrides.get(uid) ?? [];
    const event = new ICAL.Event(components[0], { strictExceptions: true, exceptions });

    if (!event.isRecurring()) {
      out.push(instance(uid, event.component, event.startDate, event.endDate));
      continue;
    }

    // Run the expansion at least as far as the latest override's RECURRENCE-ID,
    // so an instance moved from after the window into it is still found.
    let limit = windowEnd;
    for (const exception of Object.values(event.exceptions)) {
      limit = Math.max(limit, exception.recurrenceId.toUnixTime());
    }

    const iterator = event.iterator();
    let next;
    let count = 0;
    while ((next = iterator.next())) {
      if (next.toUnixTime() > limit) break;
      if (++count > MAX_ITERATIONS) {
        fail(`UID ${JSON.stringify(uid)}: more than ${MAX_ITERATIONS} occurrences before the window end`);
      }
      const details = event.getOccurrenceDetails(next);
      out.push(instance(uid, details.item.component, details.startDate, details.endDate));
    }
  }

  // Overrides whose master is not in the feed are shown on their own.
  for (const [uid, components] of overrides) {
    if (masters.has(uid)) continue;
    for (const component of components) {
      const event = new ICAL.Event(component);
      out.push(instance(uid, component, event.startDate, event.endDate));
    }
  }
}

function main() {
  const [startArg, endArg] = process.argv.slice(2);
  if (!startArg || !endArg) fail("usage: node expand.mjs <window-start> <window-end> < feed.ics");
  parseInstant(startArg, "window start");
  const windowEnd = parseInstant(endArg, "window end");

  const text = readFileSync(0, "utf8");
  let jcal;
  try {
    jcal = ICAL.parse(text);
  } catch (error) {
    fail(`ical.js could not parse the feed: ${error.message}`);
  }
  // ICAL.parse returns an array of components when the stream holds several.
  const roots = Array.isArray(jcal[0]) ? jcal : [jcal];

  const out = [];
  for (const root of roots) {
    const component = new ICAL.Component(root);
    if (component.name !== "vcalendar") fail(`expected VCALENDAR, got ${component.name.toUpperCase()}`);
    expandCalendar(component, windowEnd, out);
  }
  process.stdout.write(JSON.stringify(out));
}

try {
  main();
} catch (error) {
  fail(error && error.stack ? error.stack : String(error));
}
