// The visitor's own time, from the browser's zone, where the server did not know it yet.
//
// The server shows every time in the event's zone and, once it knows the visitor's zone (?tz=,
// the tz cookie), in that one too. Before that, this script fills the empty
// `.js-visitor` lines from the UTC instants with the browser's Intl formatting, and remembers the
// zone in the `tz` cookie so that the next page comes with the server's own rendering.
// Without JavaScript the zone picker (a GET form) does the same.
(function () {
  "use strict";
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    return;
  }
  if (!zone) return;
  var lang = document.documentElement.lang || "en";
  var body = document.body;

  function city(name) {
    var last = name.split("/").pop() || name;
    return last.replace(/_/g, " ");
  }

  function offset(date) {
    try {
      var parts = new Intl.DateTimeFormat("en", { timeZone: zone, timeZoneName: "shortOffset" }).formatToParts(date);
      for (var i = 0; i < parts.length; i++) {
        if (parts[i].type === "timeZoneName") return parts[i].value.replace("GMT", "UTC").replace("-", "\u2212");
      }
    } catch (e) {}
    return "";
  }

  var options = {
    timeZone: zone, weekday: "short", year: "numeric", month: "short", day: "numeric",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23"
  };
  var format = new Intl.DateTimeFormat(lang, options);
  var frame = body.dataset.zoneFrame || "{range} · {city} ({offset})";

  var lines = document.querySelectorAll(".js-visitor[data-start]");
  for (var i = 0; i < lines.length; i++) {
    var line = lines[i];
    if (line.dataset.zone === zone) continue; // the event's own zone: already shown
    var start = new Date(line.dataset.start);
    var text = line.dataset.end ? format.formatRange(start, new Date(line.dataset.end)) : format.format(start);
    line.textContent = frame.replace("{range}", text).replace("{city}", city(zone)).replace("{offset}", offset(start));
    line.hidden = false;
  }

  // Older pages: "Your time (zone): …" next to a <time data-utc>.
  var yourTime = body.dataset.yourTime;
  var olds = document.querySelectorAll("time[data-utc]");
  for (var j = 0; j < olds.length; j++) {
    var out = olds[j].parentElement.querySelector(".viewer");
    if (!out || !yourTime) continue;
    var when = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" }).format(new Date(olds[j].dataset.utc));
    out.textContent = yourTime.replace("{zone}", zone).replace("{time}", when);
  }

  var picker = document.getElementById("tz-input");
  if (picker && !picker.value) picker.placeholder = zone;

  if (lines.length && !/(^|;\s*)tz=/.test(document.cookie)) {
    var secure = location.protocol === "https:" ? "; secure" : "";
    document.cookie = "tz=" + zone + "; path=/; max-age=31536000; samesite=lax" + secure;
  }
})();
