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
   * (jumps x <- f(x, t_i, t_{i+1}) on the uniform grid), 'oneJump' (f(z, 1, 0) only) or 'custom' (the
   * method's source defines custom_sample(nets, n, steps, generator, device): DMD's re-noising steps,
   * TMD's unrolled sampler, a conditional map at its sampling condition).
   */
  sampler: 'ode' | 'flowMap' | 'oneJump' | 'custom';
  /**
   * Whether the sampler reads the sampling EMA of the sampled network when the config keeps one (default
   * true); TMD samples with the current trunk and head, as the lab does (the EMA covers one network).
   */
  sampleEma?: boolean;
  /** Python expression of the default number of sampling steps (default: 100 for 'ode', else 1). */
  defaultNfe?: string;
  /**
   * Conditional networks (kind 'conditionalFlowMap'): the width of their conditioning input as a Python
   * expression of DIM, the sample dimension (the lab's condDim is its value at DIM = 2).
   */
  condDim?: Record<string, string>;
  /** The Python function of each optimiser group, by `<stage>.<group>`; teacher stages default to `teacher_loss`. */
  losses: Record<string, string>;
}
