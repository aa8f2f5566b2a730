// Points as instanced round sprites. points:[first + n] vec2 -> one disc of `draw.size` pixels per point.
// Entry vsPoints: instance i draws points[first + i].
// Entry vsFlow: instance i draws path i of `pathLength` points at fraction `tau` along it (the flow animation).
// With `draw.classes` > 0 a point takes its class's colour (PALETTE, prepended from src/state/palette.ts); when a
// class is highlighted, the others fade to a pale grey so that the class shown stands out.

fn sprite(center: vec2f, k: u32) -> Fragment {
  let corner = quadCorner(k);
  var out: Fragment;
  let c = toClip(center);
  out.position = vec4f(c.xy + pixelOffset(corner.x, corner.y) * (0.5 * draw.size + 1.0), c.z, c.w);
  // the quad is one pixel larger than the disc so that its edge can fade out smoothly
  out.local = corner * (0.5 * draw.size + 1.0);
  out.alpha = 1.0;
  out.color = draw.color;
  return out;
}

fn classColor(i: u32) -> vec4f {
  let base = draw.labelFirst + i * draw.classes;
  var k = 0u;
  for (var j = 1u; j < draw.classes; j++) {
    if (labels[base + j] > labels[base + k]) { k = j; }
  }
  let c = PALETTE[k % PALETTE_SIZE];
  if (draw.highlight < 0 || u32(draw.highlight) == k) { return vec4f(c, draw.color.a); }
  return vec4f(mix(c, vec3f(0.78, 0.79, 0.8), 0.75), draw.color.a * 0.35);
}

@vertex
fn vsPoints(@builtin(vertex_index) k: u32, @builtin(instance_index) i: u32) -> Fragment {
  var out = sprite(points[draw.first + i], k);
  if (draw.classes > 0u) { out.color = classColor(i); }
  return out;
}

@vertex
fn vsFlow(@builtin(vertex_index) k: u32, @builtin(instance_index) i: u32) -> Fragment {
  let n = draw.pathLength;
  let u = clamp(draw.tau, 0.0, 1.0) * f32(n - 1u);
  let j = min(n - 2u, u32(floor(u)));
  let f = u - f32(j);
  let base = draw.first + i * n + j;
  return sprite(mix(points[base], points[base + 1u], f), k);
}

@fragment
fn fsDisc(in: Fragment) -> @location(0) vec4f {
  let r = length(in.local);
  let coverage = clamp(0.5 * draw.size + 0.5 - r, 0.0, 1.0);
  if (coverage <= 0.0) { discard; }
  return vec4f(in.color.rgb, in.color.a * coverage * in.alpha);
}
