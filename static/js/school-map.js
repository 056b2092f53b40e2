/* The school map (templates/schools/map.html): markers from the page's own JSON, tiles optional.
 *
 * Works offline: without a tile server (empty EDINFO_MAP_TILE_URL) or when tiles fail to load,
 * the markers stand on the container's plain background and the view fits the schools. */
(function () {
  "use strict";
  var el = document.getElementById("school-map");
  if (!el || !window.L) {
    return;
  }
  var data = JSON.parse(document.getElementById("map-data").textContent);
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var labels = config.labels;

  function esc(value) {
    return String(value === null || value === undefined ? "" : value)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }
  function num(value) {
    return value === null || value === undefined ? labels.unknown : Number(value).toLocaleString("th-TH");
  }

  // maxZoom on the map itself: markercluster needs one even when no tile layer gives it.
  var map = L.map(el, {zoomControl: false, attributionControl: true, maxZoom: 19});
  // Thai titles on the zoom buttons (Leaflet's own say "Zoom in"/"Zoom out").
  L.control.zoom({zoomInTitle: "ขยาย", zoomOutTitle: "ย่อ"}).addTo(map);
  if (config.tileUrl) {
    var tiles = L.tileLayer(config.tileUrl, {attribution: config.tileAttribution, maxZoom: 19});
    var failures = 0;
    tiles.on("tileerror", function () {
      failures += 1;
      if (failures >= 4) {
        el.classList.add("tiles-unavailable");
        showTambons();
      }
    });
    tiles.on("tileload", function () {
      el.classList.add("tiles-loaded");
    });
    tiles.addTo(map);
  }

  // Without tiles there is nothing to find one's way by: the tambon centres of the schools shown,
  // as small grey dots, named from zoom 11 (below it the names would cover each other).
  var TAMBON_LABEL_ZOOM = 11;
  var tambonDots = null, tambonNames = null;
  function asText(text) {
    var span = document.createElement("span");
    span.textContent = text || "";
    return span;
  }
  function showTambons() {
    if (tambonDots) {
      return;
    }
    tambonDots = L.layerGroup();
    tambonNames = L.layerGroup();
    data.places.forEach(function (place) {
      if (place[2] === null || place[2] === undefined || place[3] === null || place[3] === undefined) {
        return;
      }
      L.circleMarker([place[2], place[3]], {
        radius: 3, color: "#6c757d", weight: 1, fillColor: "#adb5bd", fillOpacity: 1, interactive: false,
        className: "tambon-dot"
      }).addTo(tambonDots);
      L.tooltip({permanent: true, direction: "right", offset: [4, 0], className: "tambon-name", interactive: false})
        .setLatLng([place[2], place[3]]).setContent(asText(place[0])).addTo(tambonNames);
    });
    tambonDots.addTo(map);
    function names() {
      if (map.getZoom() >= TAMBON_LABEL_ZOOM) {
        tambonNames.addTo(map);
      } else {
        map.removeLayer(tambonNames);
      }
    }
    map.on("zoomend", names);
    names();
    el.dataset.tambons = String(tambonDots.getLayers().length);
  }

  var byState = data.colour === "state";
  var legend = byState ? data.states : data.sizes;

  function radius(students) {
    return students === null ? 4 : 3 + Math.sqrt(students) * 0.45;
  }

  function popup(row) {
    var place = data.places[row[8]];
    var url = config.schoolUrl.replace("00000000", encodeURIComponent(row[5]));
    var lines = [
      "<strong>" + esc(row[7]) + "</strong>",
      esc(labels.codes.replace("%(smis)s", row[5]).replace("%(obec)s", row[6])),
      esc(labels.tambon) + " " + esc(place[0]) + " " + esc(labels.amphoe) + " " + esc(place[1]),
      esc(labels.students) + ": " + esc(num(row[2])) + " · " + esc(labels.size) + ": " + esc(data.sizes[row[3]].label)
    ];
    if (row[4] !== null && data.states.length) {
      lines.push(esc(labels.state) + ": " + esc(data.states[row[4]].label));
    }
    lines.push('<a href="' + esc(url) + '" data-testid="popup-link">' + esc(labels.open) + "</a>");
    return '<div class="school-popup">' + lines.join("<br>") + "</div>";
  }

  var markers = [];
  var bounds = [];
  data.schools.forEach(function (row) {
    var colourIndex = byState ? row[4] : row[3];
    var colour = legend[colourIndex] ? legend[colourIndex].colour : "#868e96";
    var marker = L.circleMarker([row[0], row[1]], {
      radius: radius(row[2]), color: "#343a40", weight: 1, fillColor: colour, fillOpacity: 0.85,
      className: "school-marker"
    });
    marker.bindPopup(function () { return popup(row); });
    markers.push(marker);
    bounds.push([row[0], row[1]]);
  });

  var plain = L.featureGroup(markers);
  var clustered = null;
  if (L.markerClusterGroup) {
    clustered = L.markerClusterGroup({showCoverageOnHover: false, maxClusterRadius: 40, chunkedLoading: true});
    clustered.addLayers(markers);
  }
  var toggle = document.getElementById("map-cluster");
  var current = null;
  function show(useClusters) {
    if (current) {
      map.removeLayer(current);
    }
    current = useClusters && clustered ? clustered : plain;
    current.addTo(map);
  }

  if (bounds.length) {
    map.fitBounds(bounds, {padding: [24, 24], maxZoom: 14});
  } else {
    map.setView([15.5, 100.9], 6); // Thailand
  }
  if (!config.tileUrl) {
    showTambons();
  }
  show(toggle ? toggle.checked : true);
  if (toggle) {
    toggle.addEventListener("change", function () { show(toggle.checked); });
  }
  el.dataset.markers = String(markers.length);
  el.dataset.ready = "1";

  // จปฐ. overlay (office roles): one circle per tambon, area following the number of persons failing.
  var bmn = document.getElementById("bmn-layer");
  var note = document.getElementById("bmn-note");
  var bmnLegend = document.getElementById("bmn-legend");
  var bmnLayer = null;
  function persons(value) {
    return esc(num(value)) + " " + esc(labels.bmnPersons);
  }
  function bmnPopup(p) {
    var lines = ["<strong>" + esc(p.name) + "</strong>" + (p.district ? " · " + esc(p.district) : "")];
    if (p.survey) {
      lines.push(esc(p.survey));
    }
    if (p.fails === null || p.fails === undefined) {
      lines.push(esc(labels.bmnNoData));
    } else {
      lines.push(esc(labels.bmnFails) + ": " + persons(p.fails));
      (p.indicators || []).forEach(function (ind) {
        // "ข้อ 16 เด็กอายุ 6–14 ปี ได้รับการศึกษาภาคบังคับ 9 ปี: ไม่ผ่าน 29 คน จาก 905 คน"
        lines.push(esc(labels.bmnItem) + " " + esc(ind.no) + " " + esc(ind.name) + ": " + esc(labels.bmnFailed) +
                   " " + persons(ind.fails) + " " + esc(labels.bmnOf) + " " + persons(ind.all));
      });
    }
    if (p.schools !== undefined && p.schools !== null) {
      lines.push(esc(labels.bmnSchools) + ": " + esc(num(p.schools)) + " · " + esc(labels.bmnStudents) + ": " + esc(num(p.students)));
    }
    if (p.url) {
      lines.push('<a href="' + esc(p.url) + '">' + esc(labels.bmnOpen) + "</a>");
    }
    return '<div class="bmn-popup">' + lines.join("<br>") + "</div>";
  }
  var BMN_MAX_METRES = 3000, BMN_MIN_METRES = 150, BMN_NODATA_METRES = 600, LEGEND_MAX_PX = 16;
  function sampleCircle(px, hollow) {
    var size = 2 * LEGEND_MAX_PX + 4;
    return '<svg width="' + size + '" height="' + size + '" aria-hidden="true" class="bmn-sample">' +
      '<circle cx="' + size / 2 + '" cy="' + size / 2 + '" r="' + px.toFixed(1) + '" stroke="' +
      (hollow ? "#868e96" : "#c92a2a") + '" stroke-width="1.5" fill="' + (hollow ? "none" : "#fa5252") +
      '" fill-opacity="0.3"' + (hollow ? ' stroke-dasharray="3"' : "") + "></circle></svg>";
  }
  function fillLegend(collection, features, max) {
    if (!bmnLegend) {
      return;
    }
    var survey = collection.survey || "";
    var counted = [], nodata = 0;
    features.forEach(function (f) {
      var fails = f.properties ? f.properties.fails : null;
      if (fails === null || fails === undefined) {
        nodata += 1;
      } else if (Number(fails) > 0) {
        counted.push(Number(fails));
      }
      if (!survey && f.properties && f.properties.survey) {
        survey = f.properties.survey;
      }
    });
    var html = ['<div class="fw-bold" data-testid="bmn-legend-title">' + esc(labels.bmnLegend) + "</div>"];
    if (survey) {
      html.push('<div data-testid="bmn-legend-survey">' + esc(survey) + "</div>");
    }
    if (counted.length) {
      var small = Math.min.apply(null, counted);
      var items = [[small, LEGEND_MAX_PX * Math.sqrt(small / max)]];
      if (max !== small) {
        items.push([max, LEGEND_MAX_PX]);
      }
      html.push('<div class="d-flex align-items-center gap-2 flex-wrap">' + items.map(function (item) {
        return '<span class="d-inline-flex align-items-center" data-testid="bmn-legend-sample">' +
          sampleCircle(Math.max(item[1], 2), false) + persons(item[0]) + "</span>";
      }).join("") + "</div>");
    }
    if (nodata) {
      html.push('<div class="d-flex align-items-center" data-testid="bmn-legend-nodata">' +
                sampleCircle(6, true) + esc(labels.bmnNoData) + "</div>");
    }
    bmnLegend.innerHTML = html.join("");
  }
  function drawBmn(collection) {
    var features = ((collection && collection.features) || []).filter(function (f) {
      return f.geometry && f.geometry.coordinates;
    });
    var max = 0;
    features.forEach(function (f) { max = Math.max(max, Number(f.properties.fails) || 0); });
    bmnLayer = L.featureGroup();
    features.forEach(function (f) {
      var p = f.properties || {};
      var c = f.geometry.coordinates;
      if (p.fails === null || p.fails === undefined) {
        // Schools there but no survey row: a grey hollow ring, not a circle of zero.
        L.circle([c[1], c[0]], {
          radius: BMN_NODATA_METRES, color: "#868e96", weight: 1.5, dashArray: "4", fill: true, fillOpacity: 0,
          className: "bmn-circle bmn-nodata"
        }).bindPopup(bmnPopup(p)).addTo(bmnLayer);
        return;
      }
      var fails = Number(p.fails) || 0;
      var metres = max ? BMN_MAX_METRES * Math.sqrt(fails / max) : 0;
      L.circle([c[1], c[0]], {
        radius: Math.max(metres, BMN_MIN_METRES), color: "#c92a2a", weight: 1, fillColor: "#fa5252", fillOpacity: 0.3,
        className: "bmn-circle"
      }).bindPopup(bmnPopup(p)).addTo(bmnLayer);
    });
    if (note) {
      note.textContent = features.length ? "" : labels.bmnEmpty;
    }
    fillLegend(collection || {}, features, max);
    return bmnLayer;
  }
  function showBmnLegend(on) {
    if (bmnLegend) {
      bmnLegend.hidden = !on || !bmnLegend.innerHTML;
    }
  }
  function switchBmn() {
    if (!bmn.checked) {
      if (bmnLayer) {
        map.removeLayer(bmnLayer);
      }
      showBmnLegend(false);
      return;
    }
    if (bmnLayer) {
      bmnLayer.addTo(map);
      bmnLayer.bringToBack();
      showBmnLegend(true);
      return;
    }
    fetch(bmn.dataset.url, {credentials: "same-origin", headers: {"Accept": "application/geo+json, application/json"}})
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (collection) {
        var layer = drawBmn(collection);
        if (bmn.checked) {
          layer.addTo(map);
          layer.bringToBack();
          showBmnLegend(true);
        }
        el.dataset.bmnReady = "1";
      })
      .catch(function () {
        if (note) {
          note.textContent = labels.bmnError;
        }
        bmn.checked = false;
        showBmnLegend(false);
      });
  }
  if (bmn) {
    bmn.addEventListener("change", switchBmn);
    if (bmn.checked) {
      switchBmn(); // /schools/map/?bmn=1: the layer is on from the start
    }
  }
}());
