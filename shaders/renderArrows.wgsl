// A vector field as arrows. points:[first + grid * grid] vec2, the vector at grid point
// (i mod grid, i / grid) of the box (cell centres, row 0 at y0). Instance i is one arrow from the grid point
// along the vector, `scale` world units per unit of the vector, at most 0.9 of a cell and at least 5 pixels;
// vertices 0..5 are the
// shaft (a quad `size` pixels wide), 6..8 the head (a triangle).

@vertex
fn vsArrows(@builtin(vertex_index) k: u32, @builtin(instance_index) i: u32) -> Fragment {
  let g = draw.grid;
  let cell = (draw.box.zw - draw.box.xy) / f32(g);
  let origin = draw.box.xy + (vec2f(f32(i % g), f32(i / g)) + 0.5) * cell;
  var vec = points[draw.first + i] * draw.scale;
  let maxLen = 0.9 * min(cell.x, cell.y);
  let len = length(vec);
  if (len > maxLen) { vec = vec * (maxLen / len); }
  let a = toClip(origin);
  let b = toClip(origin + vec);
  let d = (b.xy - a.xy) * draw.viewport * 0.5;   // pixels
  let rawPx = length(d);
  let dir = select(vec2f(1.0, 0.0), d / rawPx, rawPx > 1e-3);
  // at least 5 pixels long, so that the direction of a slow field still reads; opacity carries the speed
  let lenPx = max(rawPx, 5.0);
  let normal = vec2f(-dir.y, dir.x);
  let head = min(0.4 * lenPx, 3.0 * draw.size + 2.0);
  let halfWidth = 0.5 * draw.size + 0.5;
  var px: vec2f;   // offset from a, pixels
  var across = 0.0;
  if (k < 6u) {
    let corner = quadCorner(k);
    let along = select(0.0, lenPx - head, corner.y > 0.0);
    px = dir * along + normal * halfWidth * corner.x;
    across = corner.x * halfWidth;
  } else if (k == 6u) {
    px = dir * lenPx;
  } else {
    let side = select(-1.0, 1.0, k == 7u);
    px = dir * (lenPx - head) + normal * side * (head * 0.6 + halfWidth);
  }
  var out: Fragment;
  out.position = vec4f(a.xy + pixelOffset(px.x, px.y), a.z, a.w);
  out.local = vec2f(select(0.0, across, k < 6u), 0.0);
  // short arrows (slow flow) fade, so the eye reads speed from opacity as well as length
  out.alpha = clamp(0.3 + rawPx / 12.0, 0.3, 1.0);
  return out;
}

@fragment
fn fsArrow(in: Fragment) -> @location(0) vec4f {
  let coverage = clamp(0.5 * draw.size + 0.5 - abs(in.local.x), 0.0, 1.0);
  return vec4f(draw.color.rgb, draw.color.a * coverage * in.alpha);
}
