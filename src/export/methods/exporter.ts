/**
 * A method's part of an exported PyTorch script: the Python source of its loss functions, one per
 * optimiser group of its stages. Each loss function has the signature
 *   def name(nets, x, rand, B, teacher) -> (total, {term: value})
 * with nets the networks by name (callables F(x, t, s)), x the data batch [B, D] (None for data-free
 * methods), rand the Randomness (draws in the lab's order), B the batch size, teacher u_T(x, t) or
 * None, and the method's hyperparameters in the global dict P. Terms carry the lab's names.
 */
export interface MethodExporter {
  id: string;
  /** Python source (top-level definitions only). */
  source: string;
  /**
   * How the script samples after training: 'ode' (Euler steps of the velocity F(x, t, t)), 'flowMap'
   * (jumps x <- f(x, t_i, t_{i+1}) on the uniform grid) or 'oneJump' (f(z, 1, 0) only).
   */
  sampler: 'ode' | 'flowMap' | 'oneJump';
  /** The Python function of each optimiser group, by `<stage>.<group>`; teacher stages default to `teacher_loss`. */
  losses: Record<string, string>;
}
