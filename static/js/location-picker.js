/* The location picker (templates/schools/location_form.html) and the small map on a school's page.
 *
 * The form works without it: the inputs take typed or pasted numbers. With it, a click on the map
 * or a drag of the marker fills the inputs, and typing moves the marker. Tiles are optional. */
(function () {
  "use strict";
  if (!window.L) {
    return;
  }

  function baseMap(el, options) {
    var config = JSON.parse(document.getElementById("map-config").textContent);
    options = options || {};
    var zoomControl = options.zoomControl !== false;
    options.zoomControl = false;
    var map = L.map(el, options);
    if (zoomControl) {
      // Thai titles on the zoom buttons (Leaflet's own say "Zoom in"/"Zoom out").
      L.control.zoom({zoomInTitle: "ขยาย", zoomOutTitle: "ย่อ"}).addTo(map);
    }
    if (config.tileUrl) {
      L.tileLayer(config.tileUrl, {attribution: config.tileAttribution, maxZoom: 19}).addTo(map);
    }
    return map;
  }
  function point(value) {
    var number = parseFloat(String(value).replace(/[๐-๙]/g, function (d) { return "๐๑๒๓๔๕๖๗๘๙".indexOf(d); }));
    return isNaN(number) ? null : number;
  }
  var centreStyle = {radius: 6, color: "#495057", weight: 2, fillColor: "#fff", fillOpacity: 1, dashArray: "3",
                     className: "tambon-centre"};
  // Leaflet writes a string tooltip or popup with innerHTML; a tambon's name (typed by an admin)
  // goes in as a text node instead, so that markup in it is shown, never run.
  function asText(text) {
    var span = document.createElement("span");
    span.textContent = text || "";
    return span;
  }

  // The small map on a school's page: the point, and the tambon's centre for reference.
  var mini = document.getElementById("school-mini-map");
  if (mini) {
    var lat = point(mini.dataset.lat), lng = point(mini.dataset.lng);
    var miniMap = baseMap(mini, {zoomControl: false, dragging: false, scrollWheelZoom: false,
                                 doubleClickZoom: false, boxZoom: false, keyboard: false, touchZoom: false});
    miniMap.setView([lat, lng], 13);
    L.circleMarker([lat, lng], {radius: 8, color: "#343a40", weight: 1, fillColor: "#1c7ed6", fillOpacity: 0.9,
                                className: "school-marker"}).addTo(miniMap);
    mini.dataset.ready = "1";
  }

  var el = document.getElementById("location-map");
  if (!el) {
    return;
  }
  var latInput = document.getElementById("id_latitude");
  var lngInput = document.getElementById("id_longitude");
  var editable = !latInput.disabled;
  var centre = JSON.parse(document.getElementById("tambon-centre").textContent);
  var map = baseMap(el);
  var marker = null;

  if (centre) {
    L.circleMarker([centre.lat, centre.lng], centreStyle).bindTooltip(asText(el.dataset.centreLabel)).addTo(map);
  }
  function place(latlng, fill) {
    if (!marker) {
      marker = L.marker(latlng, {draggable: editable, title: el.dataset.markerLabel, alt: el.dataset.markerLabel});
      marker.on("dragend", function () { place(marker.getLatLng(), true); });
      marker.addTo(map);
    } else {
      marker.setLatLng(latlng);
    }
    if (fill) {
      latInput.value = latlng.lat.toFixed(6);
      lngInput.value = L.Util.wrapNum(latlng.lng, [-180, 180], true).toFixed(6);
    }
  }
  var lat0 = point(latInput.value), lng0 = point(lngInput.value);
  if (lat0 !== null && lng0 !== null) {
    place(L.latLng(lat0, lng0), false);
    if (centre) {
      // Both the school and its tambon's centre in view, so that a far point shows as far.
      map.fitBounds([[lat0, lng0], [centre.lat, centre.lng]], {padding: [40, 40], maxZoom: 15});
    } else {
      map.setView([lat0, lng0], 15);
    }
  } else if (centre) {
    map.setView([centre.lat, centre.lng], 13);
  } else {
    map.setView([15.5, 100.9], 6);
  }
  if (editable) {
    map.on("click", function (event) { place(event.latlng, true); });
    [latInput, lngInput].forEach(function (input) {
      input.addEventListener("change", function () {
        var lat = point(latInput.value), lng = point(lngInput.value);
        if (lat !== null && lng !== null && lat >= 5 && lat <= 21 && lng >= 97 && lng <= 106) {
          place(L.latLng(lat, lng), false);
          map.panTo([lat, lng]);
        }
      });
    });
    var here = document.getElementById("use-my-position");
    if (here && navigator.geolocation) {
      here.hidden = false;
      here.addEventListener("click", function () {
        here.disabled = true;
        navigator.geolocation.getCurrentPosition(function (position) {
          var latlng = L.latLng(position.coords.latitude, position.coords.longitude);
          place(latlng, true);
          map.setView(latlng, 16);
          here.disabled = false;
        }, function () {
          here.disabled = false;
          var status = document.getElementById("position-status");
          if (status) {
            status.textContent = here.dataset.failed;
          }
        }, {enableHighAccuracy: true, timeout: 15000});
      });
    }
  }
  el.dataset.ready = "1";
}());
