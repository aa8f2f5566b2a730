// Shared by the render shaders (prepended to each): the per-layer uniform and helpers.
// Points are vec2<f32> in a storage buffer, bound at a 256-byte aligned offset; `first` is the index of the
// layer's first point from there.

struct Draw {
  view: mat4x4f,     // world -> clip (orthographic)
  color: vec4f,      // straight (not premultiplied) RGBA
  viewport: vec2f,   // target size in pixels
  size: f32,         // point diameter or line width, pixels
  first: u32,        // first vec2 of the layer in `points`
  pathLength: u32,   // points per polyline (paths, flow)
  grid: u32,         // arrows: grid x grid points
  tau: f32,          // flow: position along each path, 0 = first point, 1 = last
  scale: f32,        // arrows: world length of an arrow per unit of the vector
  box: vec4f,        // arrows: (x0, y0, x1, y1), the grid's box in world units
  classes: u32,      // points: K > 0 colours each point by its one-hot class in `labels` (0: draw.color)
  labelFirst: u32,   // points: first f32 of the layer's labels in `labels`
  highlight: i32,    // points: the class shown (-1: all); the other classes fade
  pad: u32,
}

@group(0) @binding(0) var<storage, read> points: array<vec2f>;
@group(0) @binding(1) var<uniform> draw: Draw;
// [n, classes] one-hot labels of the layer's points (the points buffer itself where a layer has none).
@group(0) @binding(2) var<storage, read> labels: array<f32>;

struct Fragment {
  @builtin(position) position: vec4f,
  @location(0) local: vec2f,   // position inside the primitive, -1..1 across (points: the disc)
  @location(1) alpha: f32,
  @location(2) @interpolate(flat) color: vec4f, // points: the disc's colour
}

fn toClip(p: vec2f) -> vec4f {
  return draw.view * vec4f(p, 0.0, 1.0);
}

// A clip-space offset of (dx, dy) pixels.
fn pixelOffset(dx: f32, dy: f32) -> vec2f {
  return vec2f(2.0 * dx / draw.viewport.x, 2.0 * dy / draw.viewport.y);
}

// Corner k (0..5) of a quad made of two triangles, in -1..1.
fn quadCorner(k: u32) -> vec2f {
  var corners = array<vec2f, 6>(
    vec2f(-1.0, -1.0), vec2f(1.0, -1.0), vec2f(-1.0, 1.0),
    vec2f(-1.0, 1.0), vec2f(1.0, -1.0), vec2f(1.0, 1.0),
  );
  return corners[k];
}
