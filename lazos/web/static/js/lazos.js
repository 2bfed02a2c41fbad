/* Lazos web app: the little the pages need from JavaScript. Everything works without it
   (forms submit, links navigate, tables are HTML); with it, charts are drawn from their
   Vega-Lite specs, charts and maps download as PNG and SVG, and pickers apply on change. */
(function () {
  "use strict";

  function saveURL(url, name) {
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  function slug(figure) {
    var base = (document.title.split("·")[0] || "lazos").trim();
    return ("lazos-" + base + "-" + (figure.dataset.chart || "chart"))
      .toLowerCase().replace(/[^a-z0-9\u4e00-\u9fff]+/g, "-").replace(/^-|-$/g, "");
  }

  /* An inline <svg> (the maps) as a standalone SVG file, and drawn on a canvas as PNG. */
  function svgText(svg) {
    var clone = svg.cloneNode(true);
    clone.setAttribute("xmlns", "http://www.w3.org/2000/svg");
    var box = svg.viewBox && svg.viewBox.baseVal;
    if (box && box.width) {
      clone.setAttribute("width", box.width);
      clone.setAttribute("height", box.height);
    }
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(clone);
  }

  function svgToPNG(svg, name) {
    var text = svgText(svg);
    var box = svg.viewBox.baseVal;
    var scale = 2;
    var img = new Image();
    img.onload = function () {
      var canvas = document.createElement("canvas");
      canvas.width = box.width * scale;
      canvas.height = box.height * scale;
      var ctx = canvas.getContext("2d");
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
      saveURL(canvas.toDataURL("image/png"), name + ".png");
    };
    img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(text);
  }

  function wireImageDownloads(figure, view) {
    figure.querySelectorAll("button[data-download]").forEach(function (button) {
      var kind = button.dataset.download;
      button.addEventListener("click", function () {
        var name = slug(figure);
        if (view) {
          view.toImageURL(kind, kind === "png" ? 2 : 1).then(function (url) {
            saveURL(url, name + "." + kind);
          });
          return;
        }
        var svg = figure.querySelector("svg.map, svg");
        if (!svg) return;
        if (kind === "svg") {
          var blob = new Blob([svgText(svg)], { type: "image/svg+xml" });
          saveURL(URL.createObjectURL(blob), name + ".svg");
        } else {
          svgToPNG(svg, name);
        }
      });
    });
  }

  function drawCharts() {
    document.querySelectorAll("figure.chart, figure.map-figure").forEach(function (figure) {
      var holder = figure.querySelector(".vega");
      var specNode = figure.querySelector("script.vega-spec");
      if (!holder || !specNode || typeof window.vegaEmbed !== "function") {
        wireImageDownloads(figure, null);
        return;
      }
      var spec = JSON.parse(specNode.textContent);
      window.vegaEmbed(holder, spec, { actions: false, renderer: "svg", tooltip: true })
        .then(function (result) {
          var svg = holder.querySelector("svg");
          if (svg) {
            svg.setAttribute("role", "img");
            svg.setAttribute("aria-label", holder.getAttribute("aria-label") || "");
          }
          wireImageDownloads(figure, result.view);
        })
        .catch(function (error) {
          holder.textContent = "";
          figure.classList.add("chart-failed");
          console.warn("chart not drawn:", error);
        });
    });
  }

  /* Pickers marked data-autosubmit apply on change (the permalink is the form's GET URL). */
  function autoSubmit() {
    document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
      form.querySelectorAll("select, input[type=range]").forEach(function (field) {
        field.addEventListener("change", function () {
          if (form.requestSubmit) form.requestSubmit(); else form.submit();
        });
      });
      form.querySelectorAll("input[type=range]").forEach(function (range) {
        var out = form.querySelector("output[for='" + range.id + "']");
        if (out) range.addEventListener("input", function () { out.value = range.value; });
      });
    });
  }

  function ready(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }

  ready(function () {
    autoSubmit();
    drawCharts();
  });
})();
