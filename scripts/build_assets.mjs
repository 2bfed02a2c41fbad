#!/usr/bin/env node
// Builds the web app's static assets from node_modules (run by `make assets`; the output is committed):
//
//   lazos/web/static/vendor/   the minified browser (UMD) builds of vega, vega-lite and vega-embed, their
//                              licences (vendor/LICENSES/<package>.txt, with the packages each bundle includes)
//                              and vendor/README.md (package, version, licence, source);
//   lazos/web/static/map/lac.json
//                              SVG path data for the 33 CELAC states from Natural Earth 1:50m (world-atlas),
//                              projected for a main map and a Caribbean inset, with a grey context layer,
//                              centroids, label points, areas and a "small" flag per state.
//
// Deterministic: the same node_modules give byte-identical files (no dates, fixed key order, rounded numbers).
// Fails loudly when an installed package differs from package.json or a state is missing from the map.

import { createRequire } from "node:module";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import * as d3 from "d3-geo";

const require = createRequire(import.meta.url);
const topojson = require("topojson-client");

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const NODE_MODULES = path.join(ROOT, "node_modules");
// `--out DIR` writes vendor/ and map/ under DIR instead (the tests rebuild there and compare).
const outIndex = process.argv.indexOf("--out");
const STATIC =
  outIndex > 0 && process.argv[outIndex + 1]
    ? path.resolve(process.argv[outIndex + 1])
    : path.join(ROOT, "lazos", "web", "static");
const VENDOR_DIR = path.join(STATIC, "vendor");
const MAP_DIR = path.join(STATIC, "map");

function fail(message) {
  console.error(`build_assets: ${message}`);
  process.exit(1);
}

function readJson(file) {
  return JSON.parse(readFileSync(file, "utf8"));
}

const PACKAGE = readJson(path.join(ROOT, "package.json"));
const LOCK = readJson(path.join(ROOT, "package-lock.json"));
const PINNED = { ...PACKAGE.dependencies, ...PACKAGE.devDependencies };

/** The package.json of an installed package, checked against the exact version package.json pins. */
function installed(name) {
  const file = path.join(NODE_MODULES, name, "package.json");
  if (!existsSync(file)) fail(`${name} is not installed in node_modules (run \`make assets\`, which runs npm ci)`);
  const meta = readJson(file);
  if (PINNED[name] !== undefined && meta.version !== PINNED[name]) {
    fail(`node_modules has ${name} ${meta.version} but package.json pins ${PINNED[name]} (run npm ci)`);
  }
  return meta;
}

const written = [];

/** Writes a file only when its content changed (so mtimes stay put on a re-run) and records it. */
function write(file, content) {
  const data = Buffer.isBuffer(content) ? content : Buffer.from(content, "utf8");
  mkdirSync(path.dirname(file), { recursive: true });
  if (!existsSync(file) || !readFileSync(file).equals(data)) writeFileSync(file, data);
  written.push(file);
}

/** Removes files under dir that this run did not write (a stale vendor file from an older version). */
function prune(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) {
      prune(full);
      if (readdirSync(full).length === 0) rmSync(full, { recursive: true });
    } else if (!written.includes(full)) {
      rmSync(full);
      console.log(`removed ${path.relative(ROOT, full)}`);
    }
  }
}

// --------------------------------------------------------------------------------------------------
// a. Vendor scripts
// --------------------------------------------------------------------------------------------------

// Each bundle: its UMD file, the global it defines, and the dependencies it does not include (peers
// loaded by their own <script>, or command-line only: vega-lite's yargs drives its CLI, not the bundle).
const BUNDLES = [
  { name: "vega", file: "build/vega.min.js", global: "vega", external: [] },
  { name: "vega-lite", file: "build/vega-lite.min.js", global: "vegaLite", external: ["vega", "yargs"] },
  { name: "vega-embed", file: "build/vega-embed.min.js", global: "vegaEmbed", external: ["vega", "vega-lite"] },
];

/** Resolves a dependency the way Node does: nested node_modules first, then the top level. */
function resolveDependency(fromDir, name) {
  let dir = fromDir;
  while (dir.startsWith(NODE_MODULES)) {
    const candidate = path.join(dir, "node_modules", name);
    if (existsSync(path.join(candidate, "package.json"))) return candidate;
    dir = path.dirname(dir);
  }
  const top = path.join(NODE_MODULES, name);
  if (!existsSync(path.join(top, "package.json"))) fail(`dependency ${name} (of ${fromDir}) is not installed`);
  return top;
}

/** The runtime dependency closure of a package (name@version -> directory), without the excluded ones. */
function dependencyClosure(name, excluded) {
  const found = new Map();
  const visit = (dir) => {
    const meta = readJson(path.join(dir, "package.json"));
    for (const dep of Object.keys(meta.dependencies || {}).sort()) {
      if (excluded.includes(dep) || dep.startsWith("@types/")) continue; // type declarations: no code
      const depDir = resolveDependency(dir, dep);
      const depMeta = readJson(path.join(depDir, "package.json"));
      const key = `${depMeta.name}@${depMeta.version}`;
      if (found.has(key)) continue;
      found.set(key, depDir);
      visit(depDir);
    }
  };
  visit(path.join(NODE_MODULES, name));
  return [...found.entries()].sort(([a], [b]) => a.localeCompare(b, "en"));
}

function licenceText(dir) {
  const names = readdirSync(dir)
    .filter((f) => /^(licen[cs]e|copying)/i.test(f) && !/3rd|third/i.test(f))
    .sort();
  if (names.length === 0) return null;
  return readFileSync(path.join(dir, names[0]), "utf8").trim();
}

function licenceName(meta) {
  if (typeof meta.license === "string") return meta.license;
  if (meta.license && meta.license.type) return meta.license.type;
  return "see licence file";
}

function buildVendor() {
  const rows = [];
  for (const bundle of BUNDLES) {
    const meta = installed(bundle.name);
    const dir = path.join(NODE_MODULES, bundle.name);
    let code = readFileSync(path.join(dir, bundle.file), "utf8");
    if (!code.slice(0, 400).includes(bundle.global)) {
      fail(`${bundle.name}/${bundle.file} does not look like a UMD build defining the global ${bundle.global}`);
    }
    // The .map files are not shipped: drop the comment pointing at them (browsers would ask for them).
    code = code.replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, "\n");
    const target = path.join(VENDOR_DIR, path.basename(bundle.file));
    write(target, code);

    const own = licenceText(dir);
    if (own === null) fail(`${bundle.name} has no LICENSE file`);
    const bundled = dependencyClosure(bundle.name, bundle.external);
    let licence = `${bundle.name} ${meta.version} (${licenceName(meta)})\n\n${own}\n`;
    if (bundled.length > 0) {
      licence +=
        `\n\n${"=".repeat(78)}\nThe minified build of ${bundle.name} includes code from these packages ` +
        "(its runtime dependencies and theirs; a few, such as command-line helpers, may be left out by the " +
        "bundler):\n\n";
      for (const [key, depDir] of bundled) {
        const depMeta = readJson(path.join(depDir, "package.json"));
        const text = licenceText(depDir) || `(no licence file; package.json says ${licenceName(depMeta)})`;
        licence += `${"-".repeat(78)}\n${key} (${licenceName(depMeta)})\n\n${text}\n\n`;
      }
    }
    write(path.join(VENDOR_DIR, "LICENSES", `${bundle.name}.txt`), licence.trimEnd() + "\n");

    const lockEntry = LOCK.packages[`node_modules/${bundle.name}`] || {};
    rows.push({
      name: bundle.name,
      version: meta.version,
      licence: licenceName(meta),
      file: path.basename(bundle.file),
      source: lockEntry.resolved || `https://registry.npmjs.org/${bundle.name}/-/${bundle.name}-${meta.version}.tgz`,
      integrity: lockEntry.integrity || "",
      global: bundle.global,
      bundled: bundled.map(([key]) => key),
    });
  }

  let readme =
    "# Vendored front-end scripts\n\n" +
    "Built by `make assets` (`scripts/build_assets.mjs`) from the npm packages pinned in `package.json` and\n" +
    "`package-lock.json`; do not edit by hand. Each file is the package's minified UMD browser build, copied\n" +
    "unchanged except that the trailing `//# sourceMappingURL=` comment is removed (the maps are not shipped).\n" +
    "Load them with plain `<script>` tags in this order: vega, vega-lite, vega-embed.\n\n" +
    "| package | version | licence | file | global | source |\n|---|---|---|---|---|---|\n";
  for (const row of rows) {
    readme += `| ${row.name} | ${row.version} | ${row.licence} | ${row.file} | \`${row.global}\` | ${row.source} |\n`;
  }
  readme += "\nIntegrity (from package-lock.json):\n\n";
  for (const row of rows) readme += `- ${row.name} ${row.version}: \`${row.integrity}\`\n`;
  readme +=
    "\nLicences: `LICENSES/<package>.txt` holds each package's licence followed by the licences of the\n" +
    "packages its minified build includes (its runtime dependency closure):\n\n";
  for (const row of rows) {
    readme += `- ${row.name}: ${row.bundled.length ? row.bundled.join(", ") : "none"}\n`;
  }
  write(path.join(VENDOR_DIR, "README.md"), readme);
}

// --------------------------------------------------------------------------------------------------
// b. The map of Latin America and the Caribbean
// --------------------------------------------------------------------------------------------------

// The 33 CELAC states: ISO 3166-1 alpha-3 -> numeric (the ids world-atlas uses).
const CELAC = {
  ARG: "032", ATG: "028", BHS: "044", BRB: "052", BLZ: "084", BOL: "068", BRA: "076", CHL: "152",
  COL: "170", CRI: "188", CUB: "192", DMA: "212", DOM: "214", ECU: "218", SLV: "222", GRD: "308",
  GTM: "320", GUY: "328", HTI: "332", HND: "340", JAM: "388", MEX: "484", NIC: "558", PAN: "591",
  PRY: "600", PER: "604", KNA: "659", LCA: "662", VCT: "670", SUR: "740", TTO: "780", URY: "858",
  VEN: "862",
};
// The Caribbean island states: all must be drawn in the inset.
const ISLANDS = ["ATG", "BHS", "BRB", "CUB", "DMA", "DOM", "GRD", "HTI", "JAM", "KNA", "LCA", "TTO", "VCT"];
// Territories the database knows (offshore centres in China's FDI figures): drawn in the context layer
// and also given their own paths so a page can single them out.
const TERRITORIES = { CYM: "136", VGB: "092" };

const MAIN_WIDTH = 1000;
const MAIN_PAD = 10;
// Lambert azimuthal equal-area centred on the region (76°W, 12°S): equal-area, so a choropleth's
// colours are not weighted by projection, and shapes stay fair from Baja California to Tierra del Fuego.
const MAIN_ROTATE = [76, 12];
const INSET_WIDTH = 800;
const INSET_PAD = 6;
// The inset: Belize and the Bahamas to Trinidad and Barbados, same projection centred on the Caribbean.
const INSET_BOX = { west: -89.4, east: -59.2, south: 9.8, north: 27.4 };
const INSET_ROTATE = [74.3, -18.6];
// Simplification tolerance (Douglas-Peucker on projected arcs, shared borders simplified once), px.
const TOLERANCE = { main: 0.15, inset: 0.1 };
// A state is "small" on the main map when its drawn area is below this (px²): draw a marker for it.
const SMALL_AREA = 30;
const SMALL_EXTENT = 6; // ... or when its bounding box is under this in both directions (px). Same rule in the inset.

/** Too small to see or click at the view's own size: the page draws a marker at its label point. */
const isSmall = (g) =>
  g.area < SMALL_AREA || (g.bbox[2] - g.bbox[0] < SMALL_EXTENT && g.bbox[3] - g.bbox[1] < SMALL_EXTENT);

const r1 = (v) => {
  const x = Math.round(v * 10) / 10;
  return Object.is(x, -0) ? 0 : x;
};
const rn = (v, digits) => {
  const f = 10 ** digits;
  const x = Math.round(v * f) / f;
  return Object.is(x, -0) ? 0 : x;
};

/** The topology's arcs as absolute longitude/latitude points. */
function decodeArcs(topology) {
  const [sx, sy] = topology.transform.scale;
  const [tx, ty] = topology.transform.translate;
  return topology.arcs.map((arc) => {
    let x = 0;
    let y = 0;
    return arc.map(([dx, dy]) => {
      x += dx;
      y += dy;
      return [x * sx + tx, y * sy + ty];
    });
  });
}

/** Douglas-Peucker on points[lo..hi], marking the kept indices. */
function douglasPeucker(points, lo, hi, eps2, keep) {
  const stack = [[lo, hi]];
  while (stack.length) {
    const [a, b] = stack.pop();
    const [ax, ay] = points[a];
    const [bx, by] = points[b];
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    let worst = -1;
    let worstD = eps2;
    for (let i = a + 1; i < b; i++) {
      const [px, py] = points[i];
      let d;
      if (len2 === 0) {
        d = (px - ax) ** 2 + (py - ay) ** 2;
      } else {
        const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
        d = (px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2;
      }
      if (d > worstD) {
        worstD = d;
        worst = i;
      }
    }
    if (worst >= 0) {
      keep[worst] = true;
      stack.push([a, worst], [worst, b]);
    }
  }
}

/**
 * A copy of the topology with every arc simplified in the given projection's pixel space. Arcs are
 * shared by neighbouring states, so borders stay gap-free. Closed arcs (islands) keep at least a triangle.
 */
function simplifiedTopology(topology, lonLatArcs, projection, tolerance) {
  const eps2 = tolerance * tolerance;
  const [lambda, phi] = projection.rotate();
  const centre = [-lambda, -phi];
  const arcs = lonLatArcs.map((arc) => {
    // Only arcs on the visible hemisphere: far ones are squeezed against the rim of the projection,
    // where simplifying them could turn a ring inside out (then it would fill the whole view).
    if (arc.some((p) => d3.geoDistance(p, centre) > Math.PI / 2 - 1e-6)) return arc;
    const projected = arc.map((p) => projection(p));
    if (projected.some((p) => !p || !Number.isFinite(p[0]) || !Number.isFinite(p[1]))) return arc;
    const n = arc.length;
    if (n <= 2) return arc;
    const keep = new Array(n).fill(false);
    keep[0] = keep[n - 1] = true;
    const closed = arc[0][0] === arc[n - 1][0] && arc[0][1] === arc[n - 1][1];
    if (closed) {
      // Split a ring at its farthest point from the start, then at the farthest from that chord.
      let far = 1;
      let farD = -1;
      for (let i = 1; i < n - 1; i++) {
        const d = (projected[i][0] - projected[0][0]) ** 2 + (projected[i][1] - projected[0][1]) ** 2;
        if (d > farD) {
          farD = d;
          far = i;
        }
      }
      keep[far] = true;
      douglasPeucker(projected, 0, far, eps2, keep);
      douglasPeucker(projected, far, n - 1, eps2, keep);
      if (keep.filter(Boolean).length < 4) {
        const third = far > n / 2 ? Math.max(1, Math.floor(far / 2)) : Math.floor((far + n - 1) / 2);
        if (third > 0 && third < n - 1) keep[third] = true;
      }
    } else {
      douglasPeucker(projected, 0, n - 1, eps2, keep);
    }
    return arc.filter((_, i) => keep[i]);
  });
  const { transform, ...rest } = topology;
  return { ...rest, arcs };
}

/** Rings (open lists of [x, y] in tenths of a pixel, integers) of a GeoJSON object through a projection. */
function projectRings(projection, object) {
  const rings = [];
  let ring = null;
  const sink = {
    point(x, y) {
      ring.push([Math.round(x * 10), Math.round(y * 10)]);
    },
    lineStart() {
      ring = [];
    },
    lineEnd() {
      const clean = [];
      for (const p of ring) {
        const last = clean[clean.length - 1];
        if (!last || last[0] !== p[0] || last[1] !== p[1]) clean.push(p);
      }
      const same = (a, b) => a[0] === b[0] && a[1] === b[1];
      while (clean.length > 1 && same(clean[0], clean[clean.length - 1])) clean.pop();
      if (clean.length >= 3 && ringArea(clean) !== 0) rings.push(clean);
      ring = null;
    },
    polygonStart() {},
    polygonEnd() {},
    sphere() {},
  };
  d3.geoStream(object, projection.stream(sink));
  return rings;
}

/** Signed area of a ring in tenths of a pixel squared (positive for an outer ring as d3 emits it). */
function ringArea(ring) {
  let sum = 0;
  for (let i = 0, n = ring.length; i < n; i++) {
    const [x0, y0] = ring[i];
    const [x1, y1] = ring[(i + 1) % n];
    sum += x0 * y1 - x1 * y0;
  }
  return sum / 2;
}

/** SVG path data: absolute moveto, then relative lineto steps (exact, since points are integers). */
function pathData(rings) {
  let d = "";
  for (const ring of rings) {
    const [x0, y0] = ring[0];
    d += `M${x0 / 10},${y0 / 10}l`;
    const steps = [];
    for (let i = 1; i < ring.length; i++) {
      steps.push(`${(ring[i][0] - ring[i - 1][0]) / 10},${(ring[i][1] - ring[i - 1][1]) / 10}`);
    }
    d += steps.join(" ") + "z";
  }
  return d;
}

function pointInRings(x, y, rings) {
  let inside = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

function distanceToRings(x, y, rings) {
  let best = Infinity;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [ax, ay] = ring[j];
      const [bx, by] = ring[i];
      const dx = bx - ax;
      const dy = by - ay;
      const len2 = dx * dx + dy * dy;
      const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len2));
      best = Math.min(best, (x - ax - t * dx) ** 2 + (y - ay - t * dy) ** 2);
    }
  }
  return Math.sqrt(best);
}

/**
 * A point well inside the state's largest piece (an approximate pole of inaccessibility): where a label
 * or marker can go. A plain centroid can fall outside (in the sea between the Bahamas' islands).
 */
function labelPoint(rings) {
  let largest = rings[0];
  for (const ring of rings) if (ringArea(ring) > ringArea(largest)) largest = ring;
  // The largest outer ring and the rings (holes) that lie inside it.
  const piece = rings.filter((r) => r === largest || (ringArea(r) < 0 && pointInRings(r[0][0], r[0][1], [largest])));
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const [x, y] of largest) {
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
  }
  let best = [(x0 + x1) / 2, (y0 + y1) / 2];
  let bestD = pointInRings(best[0], best[1], piece) ? distanceToRings(best[0], best[1], piece) : -1;
  let step = Math.max(x1 - x0, y1 - y0) / 24;
  let cx = best[0];
  let cy = best[1];
  let span = 12;
  for (let round = 0; round < 4 && step > 0.5; round++) {
    for (let i = -span; i <= span; i++) {
      for (let j = -span; j <= span; j++) {
        const x = cx + i * step;
        const y = cy + j * step;
        if (!pointInRings(x, y, piece)) continue;
        const d = distanceToRings(x, y, piece);
        if (d > bestD) {
          bestD = d;
          best = [x, y];
        }
      }
    }
    cx = best[0];
    cy = best[1];
    step /= 4;
    span = 6;
  }
  return [r1(best[0] / 10), r1(best[1] / 10)];
}

/** Path, area (px²), centroid, label point and bounding box of a feature in one view. */
function drawn(projection, feature) {
  const rings = projectRings(projection, feature);
  if (rings.length === 0) return null;
  let area = 0;
  let cx = 0;
  let cy = 0;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const ring of rings) {
    for (let i = 0, n = ring.length; i < n; i++) {
      const [ax, ay] = ring[i];
      const [bx, by] = ring[(i + 1) % n];
      const cross = ax * by - bx * ay;
      area += cross / 2;
      cx += ((ax + bx) * cross) / 6;
      cy += ((ay + by) * cross) / 6;
      x0 = Math.min(x0, ax);
      y0 = Math.min(y0, ay);
      x1 = Math.max(x1, ax);
      y1 = Math.max(y1, ay);
    }
  }
  if (area <= 0) fail(`a feature came out with non-positive area ${area} (ring orientation?)`);
  return {
    d: pathData(rings),
    area: rn(area / 100, 2),
    centroid: [r1(cx / area / 10), r1(cy / area / 10)],
    label: labelPoint(rings),
    bbox: [r1(x0 / 10), r1(y0 / 10), r1(x1 / 10), r1(y1 / 10)],
  };
}

/** A projection set from rounded, recorded parameters (so lac.json's record reproduces the paths). */
function makeProjection({ rotate, scale, translate, clipExtent }) {
  return d3
    .geoAzimuthalEqualArea()
    .rotate(rotate)
    .clipAngle(90)
    .precision(0.5)
    .scale(scale)
    .translate(translate)
    .clipExtent(clipExtent);
}

/** Fits a projection to an object at a given width with padding; returns rounded parameters and height. */
function fitted(rotate, width, pad, object) {
  const projection = d3.geoAzimuthalEqualArea().rotate(rotate).clipAngle(90).precision(0.5);
  projection.fitWidth(width - 2 * pad, object);
  const scale = rn(projection.scale(), 3);
  projection.scale(scale);
  const [[bx0, by0], [bx1, by1]] = d3.geoPath(projection).bounds(object);
  const [tx, ty] = projection.translate();
  const translate = [rn(tx - bx0 + pad + (width - 2 * pad - (bx1 - bx0)) / 2, 3), rn(ty - by0 + pad, 3)];
  const height = Math.ceil(by1 - by0 + 2 * pad);
  return { rotate, scale, translate, clipExtent: [[0, 0], [width, height]], width, height };
}

/** The lon/lat polygons of the CELAC states that the main map frames (far-flung islands left out). */
function mainFrameObject(features) {
  const kept = [];
  const dropped = [];
  for (const feature of features) {
    const { type, coordinates } = feature.geometry;
    const polygons = type === "Polygon" ? [coordinates] : coordinates;
    const iso3 = Object.keys(CELAC).find((key) => CELAC[key] === feature.id);
    for (const polygon of polygons) {
      const [lon, lat] = d3.geoCentroid({ type: "Polygon", coordinates: polygon });
      // Far-flung islands would shrink the whole map for a speck: Easter Island (Chile) in the Pacific
      // (and, were they in the data, Sala y Gómez, or Trindade and Martim Vaz east of Brazil).
      if ((lon < -100 && lat < -10) || lon > -32) dropped.push(`${iso3} island at ${rn(lon, 1)}, ${rn(lat, 1)}`);
      else kept.push(polygon);
    }
  }
  return { object: { type: "MultiPolygon", coordinates: kept }, dropped };
}

function boxOutline({ west, east, south, north }) {
  const points = [];
  for (let lon = west; lon <= east + 1e-9; lon += (east - west) / 60) points.push([lon, south], [lon, north]);
  for (let lat = south; lat <= north + 1e-9; lat += (north - south) / 40) points.push([west, lat], [east, lat]);
  return { type: "MultiPoint", coordinates: points };
}

// Known places and where each view puts them: to check another implementation of the projection (a
// Python one placing project points, or a Vega "azimuthalEqualArea" projection with these parameters).
const CHECKPOINTS = [
  ["Mexico City", -99.133, 19.433],
  ["Havana", -82.383, 23.133],
  ["Bridgetown", -59.617, 13.1],
  ["Brasília", -47.883, -15.794],
  ["Santiago", -70.667, -33.45],
];

function projectionRecord(params, extra) {
  const projection = makeProjection(params);
  const checkpoints = CHECKPOINTS.map(([name, lon, lat]) => {
    const [x, y] = projection([lon, lat]);
    return { name, lonlat: [lon, lat], xy: [rn(x, 2), rn(y, 2)] };
  });
  return {
    name: "geoAzimuthalEqualArea",
    library: `d3-geo ${installed("d3-geo").version}`,
    description: "Lambert azimuthal equal-area",
    center: [-params.rotate[0], -params.rotate[1]],
    rotate: params.rotate,
    scale: params.scale,
    translate: params.translate,
    clipAngle: 90,
    clipExtent: params.clipExtent,
    precision: 0.5,
    checkpoints,
    ...extra,
  };
}

function buildMap() {
  const atlas = installed("world-atlas");
  installed("topojson-client");
  const topology = readJson(path.join(NODE_MODULES, "world-atlas", "countries-50m.json"));
  const geometries = topology.objects.countries.geometries;
  const byId = new Map(geometries.map((g) => [g.id, g]));
  for (const [iso3, id] of Object.entries({ ...CELAC, ...TERRITORIES })) {
    if (!byId.has(id)) fail(`world-atlas countries-50m.json has no geometry with id ${id} (${iso3})`);
  }
  const celacIds = new Set(Object.values(CELAC));
  const lonLatArcs = decodeArcs(topology);
  const rawFeatures = Object.values(CELAC).map((id) => topojson.feature(topology, byId.get(id)));
  const { object: frame, dropped } = mainFrameObject(rawFeatures);

  const views = {
    main: fitted(MAIN_ROTATE, MAIN_WIDTH, MAIN_PAD, frame),
    inset: fitted(INSET_ROTATE, INSET_WIDTH, INSET_PAD, boxOutline(INSET_BOX)),
  };
  const out = {};
  for (const [view, params] of Object.entries(views)) {
    const projection = makeProjection(params);
    const raw = d3.geoAzimuthalEqualArea().rotate(params.rotate).scale(params.scale).translate(params.translate);
    const simple = simplifiedTopology(topology, lonLatArcs, raw, TOLERANCE[view]);
    const feature = (id) => topojson.feature(simple, simple.objects.countries.geometries.find((g) => g.id === id));
    const others = simple.objects.countries.geometries.filter((g) => !celacIds.has(g.id));
    const context = projectRings(projection, topojson.merge(simple, others));
    const contextShare = context.reduce((sum, ring) => sum + ringArea(ring), 0) / (100 * params.width * params.height);
    if (!(contextShare > 0 && contextShare < 0.5)) {
      fail(`the ${view} view's context layer covers ${rn(contextShare * 100, 1)}% of it (a ring inside out?)`);
    }
    out[view] = {
      projection,
      params,
      context: pathData(context),
      states: Object.fromEntries(Object.entries(CELAC).map(([iso3, id]) => [iso3, drawn(projection, feature(id))])),
      territories: Object.fromEntries(
        Object.entries(TERRITORIES).map(([iso3, id]) => [iso3, drawn(projection, feature(id))]),
      ),
    };
  }

  // Checks: every state on the main map, every island state in the inset.
  const missingMain = Object.keys(CELAC).filter((iso3) => !out.main.states[iso3] || out.main.states[iso3].area <= 0);
  if (missingMain.length) fail(`states missing from the main map: ${missingMain.join(" ")}`);
  const missingInset = ISLANDS.filter((iso3) => !out.inset.states[iso3] || out.inset.states[iso3].area < 1);
  if (missingInset.length) fail(`Caribbean island states missing from the inset: ${missingInset.join(" ")}`);

  // Where the inset's area lies on the main map: its viewBox edges, inverted, then projected.
  const insetProjection = out.inset.projection;
  const { width: iw, height: ih } = views.inset;
  const edge = [];
  for (let t = 0; t <= 1.0001; t += 0.05) edge.push([t * iw, 0], [t * iw, ih], [0, t * ih], [iw, t * ih]);
  const onMain = edge.map((p) => out.main.projection(insetProjection.invert(p)));
  const frameMain = [
    r1(Math.min(...onMain.map((p) => p[0]))),
    r1(Math.min(...onMain.map((p) => p[1]))),
    r1(Math.max(...onMain.map((p) => p[0]))),
    r1(Math.max(...onMain.map((p) => p[1]))),
  ];

  const states = {};
  for (const [iso3, id] of Object.entries(CELAC).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const main = out.main.states[iso3];
    const inset = out.inset.states[iso3];
    states[iso3] = {
      numeric: id,
      island: ISLANDS.includes(iso3),
      small: isSmall(main),
      main,
      inset: inset && inset.area >= 1 ? { ...inset, small: isSmall(inset) } : null,
    };
  }
  const territories = {};
  for (const [iso3, id] of Object.entries(TERRITORIES).sort(([a], [b]) => (a < b ? -1 : 1))) {
    territories[iso3] = { numeric: id, main: out.main.territories[iso3], inset: out.inset.territories[iso3] };
  }

  const lac = {
    about:
      "The 33 CELAC states as SVG path data for the Lazos web app, built by scripts/build_assets.mjs " +
      "(`make assets`). Coordinates are pixels in each view's viewBox, rounded to 0.1.",
    source: {
      name: `Natural Earth 1:50m via world-atlas ${atlas.version} (countries-50m.json)`,
      licence: "public domain (Natural Earth); world-atlas packaging ISC",
      url: "https://www.naturalearthdata.com/",
      package: `https://registry.npmjs.org/world-atlas/-/world-atlas-${atlas.version}.tgz`,
      note:
        "Natural Earth draws de facto boundaries. Outside the main view (clipped): " +
        (dropped.length ? dropped.join(", ") : "nothing") +
        ".",
    },
    simplification: {
      method: "Douglas-Peucker on each shared arc in the view's pixel space (borders stay gap-free)",
      tolerance_px: TOLERANCE,
    },
    small: {
      rule: `main-map area below ${SMALL_AREA} px² or bounding box under ${SMALL_EXTENT} px in both directions`,
      area_px2: SMALL_AREA,
      extent_px: SMALL_EXTENT,
    },
    fields: {
      "views.*.viewBox": "[minX, minY, width, height] for the <svg> viewBox attribute",
      "views.*.context": "one path: the other land in view (not CELAC), to draw grey under the states",
      "views.*.projection": "d3-geo parameters that reproduce the paths; checkpoints: places and their x, y",
      "views.inset.box": "the longitude/latitude box the inset is fitted to",
      "views.inset.frame_main": "[x0, y0, x1, y1]: the inset's area on the main map, to outline it",
      "states.*.main / inset": "d (path data), area (px²), centroid (area-weighted), label (a point inside " +
        "the largest piece, for labels and markers), bbox [x0, y0, x1, y1]; inset is null when not in it",
      "states.*.small": "too small to see or click on the main map: draw a marker at main.label",
      "states.*.inset.small": "the same rule at the inset's own size (800 px wide)",
      "states.*.island": "a Caribbean island state (all are in the inset)",
      territories: "Cayman Islands and British Virgin Islands (not CELAC; already in the context layer)",
    },
    views: {
      main: {
        width: views.main.width,
        height: views.main.height,
        viewBox: [0, 0, views.main.width, views.main.height],
        projection: projectionRecord(views.main, {}),
        context: out.main.context,
      },
      inset: {
        width: views.inset.width,
        height: views.inset.height,
        viewBox: [0, 0, views.inset.width, views.inset.height],
        projection: projectionRecord(views.inset, {}),
        box: INSET_BOX,
        frame_main: frameMain,
        states: Object.keys(states).filter((iso3) => states[iso3].inset !== null),
        context: out.inset.context,
      },
    },
    states,
    territories,
  };
  write(path.join(MAP_DIR, "lac.json"), JSON.stringify(lac) + "\n");

  const smallOnes = Object.keys(states).filter((iso3) => states[iso3].small);
  console.log(`map: main ${views.main.width}x${views.main.height}, inset ${views.inset.width}x${views.inset.height}`);
  console.log(`map: small on the main map: ${smallOnes.join(" ")}`);
  console.log(`map: in the inset: ${lac.views.inset.states.join(" ")}`);
  console.log(`map: outside the main view: ${dropped.join(", ") || "nothing"}`);
}

// --------------------------------------------------------------------------------------------------

buildVendor();
prune(VENDOR_DIR);
buildMap();
let total = 0;
for (const file of written) {
  const data = readFileSync(file);
  total += data.length;
  const gz = gzipSync(data, { level: 9 }).length;
  const shown = path.relative(ROOT, file).startsWith("..") ? file : path.relative(ROOT, file);
  console.log(`wrote ${shown}  ${data.length} bytes (gzip -9: ${gz})`);
}
console.log(`total ${written.length} files, ${total} bytes`);
