/** Named errors of the training runtime; each message says what to do. */

/** A loss term became NaN or infinite. The session keeps its last good parameters (see `lastGood`). */
export class DivergedError extends Error {
  override name = 'DivergedError';
  constructor(
    readonly step: number,
    readonly terms: readonly string[],
    readonly method: string,
  ) {
    super(
      `Training diverged near step ${step}: loss ${terms.join(', ')} became NaN or infinite. ` +
        'The parameters of the last good read-back were kept. Try a lower learning rate (e.g. lr / 3), ' +
        'a gradient-norm clip (train.clipNorm = 1), a smaller network or batch-size change' +
        (method === 'meanflow' ? ', or for MeanFlow the adaptive weight p = 1 with 75 % r = t' : '') +
        '.',
    );
  }
}

/**
 * A session was asked to draw after its experiment was replaced (a report that started before the change went
 * on past an await). Nothing is compiled for it: a program built then would never be freed.
 */
export class SessionDisposedError extends Error {
  override name = 'SessionDisposedError';
  constructor() {
    super('This training session was disposed (its experiment changed or was reset); start a new one.');
  }
}

export class StageError extends Error {
  override name = 'StageError';
}

/** A teacher was asked for that this configuration cannot give (e.g. an analytic teacher for moons). */
export class TeacherUnavailableError extends Error {
  override name = 'TeacherUnavailableError';
}
