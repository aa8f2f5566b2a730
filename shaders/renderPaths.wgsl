// Polylines as instanced quads. points:[first + paths * pathLength] vec2; instance i is segment
// (i mod (pathLength - 1)) of path (i / (pathLength - 1)), drawn `draw.size` pixels wide.
// The alpha fades along the path from the noise end (first point) to the data end (last point).

@vertex
fn vsPaths(@builtin(vertex_index) k: u32, @builtin(instance_index) i: u32) -> Fragment {
  let segments = draw.pathLength - 1u;
  let path = i / segments;
  let seg = i % segments;
  let base = draw.first + path * draw.pathLength + seg;
  let a = toClip(points[base]);
  let b = toClip(points[base + 1u]);
  // direction in pixels, then the normal
  let d = (b.xy - a.xy) * draw.viewport;
  let len = max(length(d), 1e-6);
  let normal = vec2f(-d.y, d.x) / len;
  let corner = quadCorner(k);
  let end = select(a, b, corner.y > 0.0);
  let half = 0.5 * draw.size + 0.5;
  var out: Fragment;
  out.position = vec4f(end.xy + pixelOffset(normal.x, normal.y) * half * corner.x, end.z, end.w);
  out.local = vec2f(corner.x * half, 0.0);
  let along = (f32(seg) + select(0.0, 1.0, corner.y > 0.0)) / f32(segments);
  out.alpha = 0.35 + 0.65 * along;
  return out;
}

@fragment
fn fsLine(in: Fragment) -> @location(0) vec4f {
  let coverage = clamp(0.5 * draw.size + 0.5 - abs(in.local.x), 0.0, 1.0);
  return vec4f(draw.color.rgb, draw.color.a * coverage * in.alpha);
}
