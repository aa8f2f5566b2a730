// Snippet: activation(x, act, order) = act^(order)(x), order 0..3.
// act ids (src/engine/activations.ts): identity=0, silu=1, gelu=2 (tanh approximation), tanh=3, relu=4, sigmoid=5.

fn act_tanh(x: f32) -> f32 {
  return tanh(clamp(x, -15.0, 15.0));
}

fn act_sigmoid(x: f32) -> f32 {
  return 1.0 / (1.0 + exp(-clamp(x, -80.0, 80.0)));
}

// sech^2(x) = 1 - tanh^2(x), without the cancellation of 1 - t * t near |t| = 1.
fn act_sech2(x: f32) -> f32 {
  let c = cosh(clamp(x, -40.0, 40.0));
  return 1.0 / (c * c);
}

fn activation(x: f32, act: u32, order: u32) -> f32 {
  switch act {
    case 1u: { // silu: x s, s = sigmoid(x), g = s (1 - s)
      let s = act_sigmoid(x);
      let sc = act_sigmoid(-x); // 1 - s, without cancellation
      let g = s * sc;
      let q = sc - s;
      if (order == 0u) { return x * s; }
      if (order == 1u) { return s * (1.0 + x * sc); }
      if (order == 2u) { return g * (2.0 + x * q); }
      return g * (q * (3.0 + x * q) - 2.0 * x * g);
    }
    case 2u: { // gelu: 0.5 x (1 + tanh(u)), u = c (x + a x^3)
      let c = 0.7978845608028654;
      let a = 0.044715;
      let u = c * (x + a * x * x * x);
      let u1 = c * (1.0 + 3.0 * a * x * x);
      let u2 = 6.0 * c * a * x;
      let u3 = 6.0 * c * a;
      let t = act_tanh(u);
      let s = act_sech2(u);
      if (order == 0u) { return 0.5 * x * (1.0 + t); }
      if (order == 1u) { return 0.5 * (1.0 + t) + 0.5 * x * s * u1; }
      let h = u1 + 0.5 * x * (u2 - 2.0 * t * u1 * u1);
      if (order == 2u) { return s * h; }
      let h1 = u2 + 0.5 * (u2 - 2.0 * t * u1 * u1) + 0.5 * x * (u3 - 2.0 * s * u1 * u1 * u1 - 4.0 * t * u1 * u2);
      return -2.0 * t * s * u1 * h + s * h1;
    }
    case 3u: { // tanh
      let t = act_tanh(x);
      let s = act_sech2(x);
      if (order == 0u) { return t; }
      if (order == 1u) { return s; }
      if (order == 2u) { return -2.0 * t * s; }
      return s * (6.0 * t * t - 2.0);
    }
    case 4u: { // relu
      if (order == 0u) { return max(x, 0.0); }
      if (order == 1u) { return select(0.0, 1.0, x > 0.0); }
      return 0.0;
    }
    case 5u: { // sigmoid
      let s = act_sigmoid(x);
      let sc = act_sigmoid(-x);
      let g = s * sc;
      let q = sc - s;
      if (order == 0u) { return s; }
      if (order == 1u) { return g; }
      if (order == 2u) { return g * q; }
      return g * (q * q - 2.0 * g);
    }
    default: { // identity
      if (order == 0u) { return x; }
      if (order == 1u) { return 1.0; }
      return 0.0;
    }
  }
}
