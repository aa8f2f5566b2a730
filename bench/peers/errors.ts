/** Named errors of the peer benchmark; each message says what to do. */

export class PeerUnavailableError extends Error {
  override name = 'PeerUnavailableError';
  constructor(peer: string, detail: string) {
    super(
      `${peer} cannot run here: ${detail}. Check that a WebGPU adapter exists (npm run setup:system) ` +
        'and that devDependencies are installed (npm ci).',
    );
  }
}

export class LossMismatchError extends Error {
  override name = 'LossMismatchError';
  constructor(impl: string, kind: string, batch: number, got: number, want: number) {
    super(
      `${impl} ${kind} at batch ${batch}: first-step loss ${got} differs from the float64 reference ${want} ` +
        `(relative error ${(Math.abs(got - want) / Math.abs(want)).toExponential(2)} > 1e-4). ` +
        'It computes a different objective: fix its step before timing it.',
    );
  }
}
